import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { explain, finish } from "./auth_answers.ts";

Deno.test("auth answers: an account's name, or a sentence about the field at fault", () => {
  assertEquals(finish({ status: 201, body: { username: "alice" } }), {
    ok: true,
    username: "alice",
  });
  assertEquals(finish({ status: 200, body: {} }).ok, false);
  assertEquals(
    explain(429, null, 61).message,
    "Too many attempts. Try again in 2 minutes.",
  );
  assertEquals(
    explain(429, null).message,
    "Too many attempts. Try again in 1 minute.",
  );
  assertEquals(explain(401, { error: "bad_credentials" }).field, "password");
  assertEquals(explain(409, { error: "name_taken" }).field, "username");
  assertEquals(
    explain(400, { error: "invalid_username", message: "Too long." }),
    { ok: false, message: "Too long.", field: "username" },
  );
  assertEquals(explain(400, { error: "weak_password" }).field, "password");
  assertEquals(explain(500, "<html>"), {
    ok: false,
    message: "Something went wrong (500). Try again.",
  });
});
