import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { createRefusal } from "./create_refusal.ts";

Deno.test("create refusal: sign in, taken, the server's reason, or the status", () => {
  assertEquals(createRefusal(401, null).signIn, true);
  assertEquals(
    createRefusal(409, { error: "room_exists" }).message,
    "That room already exists. Pick another name.",
  );
  assertEquals(
    createRefusal(400, { reason: "Too long.", error: "invalid_room" }),
    { message: "Too long.", signIn: false },
  );
  assertEquals(createRefusal(403, { error: "forbidden" }).message, "forbidden");
  assertEquals(createRefusal(502, null).message, "Error 502.");
  assertEquals(
    createRefusal(500, { reason: { html: 1 } }).message,
    "Error 500.",
  );
});
