import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { explain, finish } from "./auth_answers.ts";

Deno.test("auth answers: an account's name, or a sentence about the field at fault", () => {
  assertEquals(finish({ status: 201, body: { username: "alice" } }), {
    ok: true,
    username: "alice",
  });
  assertEquals(finish({ status: 200, body: {} }).ok, false);
  assertEquals(
    explain({ status: 429, body: null, retryAfterS: 61 }).message,
    "Too many attempts. Try again in 2 minutes.",
  );
  assertEquals(
    explain({ status: 429, body: null }).message,
    "Too many attempts. Try again in 1 minute.",
  );
  assertEquals(
    explain({ status: 401, body: { error: "bad_credentials" } }).field,
    "password",
  );
  assertEquals(
    explain({ status: 409, body: { error: "name_taken" } }).field,
    "username",
  );
  assertEquals(
    explain({
      status: 400,
      body: { error: "invalid_username", message: "Too long." },
    }),
    { ok: false, message: "Too long.", field: "username" },
  );
  assertEquals(
    explain({ status: 400, body: { error: "weak_password" } }).field,
    "password",
  );
  assertEquals(explain({ status: 500, body: "<html>" }), {
    ok: false,
    message: "Something went wrong (500). Try again.",
  });
});
