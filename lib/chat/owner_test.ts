import assert from "node:assert/strict";
import { guestKey } from "./owner.ts";

Deno.test("guest keys of a clientId and of a connection never meet", () => {
  assert.equal(guestKey({ clientId: "s1", connection: "x" }), "g:s1");
  assert.equal(guestKey({ connection: "s1" }), "c:s1");
  assert.notEqual(
    guestKey({ clientId: "c:s1", connection: "y" }),
    guestKey({ connection: "s1" }),
  );
});
