import assert from "node:assert/strict";
import { mayChange } from "./permissions.ts";

Deno.test("permissions: only the author edits or deletes; anyone reacts", () => {
  const alice = { owner: "g:a", username: "alice" };
  for (const action of ["edit", "delete"] as const) {
    assert.equal(mayChange(alice, { action, own: true }), true);
    assert.equal(mayChange(alice, { action, own: false }), false);
  }
  assert.equal(mayChange(alice, { action: "react", own: false }), true);
});
