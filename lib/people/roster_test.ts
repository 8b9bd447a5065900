import assert from "node:assert/strict";
import { toPeople } from "./roster.ts";

Deno.test("people carry the kind of their claim key and their role in the room", () => {
  const roster = [
    { username: "Ann", key: "a:ann" },
    { username: "bob", key: "g:browser-1" },
    { username: "carl", key: undefined },
    { username: "dee", key: "t:site-7" },
    { username: "eve", key: "a:eve" },
    { username: "Root", key: "a:root" },
  ];
  assert.deepEqual(
    toPeople(roster, { owner: "ANN", moderators: ["Eve"], admins: ["root"] }),
    [
      { username: "Ann", kind: "account", role: "owner" },
      { username: "bob", kind: "guest", role: "member" },
      { username: "carl", kind: "guest", role: "member" },
      { username: "dee", kind: "token", role: "member" },
      { username: "eve", kind: "account", role: "moderator" },
      { username: "Root", kind: "account", role: "moderator" },
    ],
  );
  assert.deepEqual(toPeople(roster.slice(0, 1), {}), [
    { username: "Ann", kind: "account", role: "member" },
  ]);
});

Deno.test("toPeople: a lasting (frozen) guest entry's view is made once; others afresh", () => {
  const lasting = Object.freeze({ username: "ann", key: "g:1" });
  const read = { username: "bob", key: "g:2" };
  const account = Object.freeze({ username: "Cy", key: "a:cy" });
  const first = toPeople([lasting, read, account], { owner: "cy" });
  const again = toPeople([lasting, read, account], {});
  assert.equal(again[0], first[0]);
  assert.ok(Object.isFrozen(first[0]));
  assert.notEqual(again[1], first[1]);
  assert.deepEqual(again[1], first[1]);
  assert.equal(first[2].role, "owner");
  assert.equal(
    again[2].role,
    "member",
    "an account's role follows the roles given",
  );
});
