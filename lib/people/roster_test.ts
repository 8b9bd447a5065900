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
