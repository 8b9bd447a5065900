import assert from "node:assert/strict";
import type { PersonView } from "../protocol/events.ts";
import { applyPresenceList, type MemberList } from "./member_list.ts";

const person = (
  username: string,
  role: PersonView["role"] = "member",
): PersonView => ({ username, kind: "guest", role });

const list: MemberList = {
  members: ["ann", "Bob", "zoë"],
  people: [person("ann"), person("Bob"), person("zoë")],
};

Deno.test("member list: changes applied and kept in the protocol's order (canonical form, then code point)", () => {
  const after = applyPresenceList(list, {
    joined: ["bob", "Émile", "𝒜l"],
    left: ["ann"],
    people: [
      person("bob"),
      person("Émile"),
      person("𝒜l"),
      person("zoë", "moderator"),
    ],
  });
  // "é" (U+00E9) sorts after "z"; "𝒜" (U+1D49C) after both, by code point, not UTF-16 unit.
  assert.deepEqual(after.members, ["Bob", "bob", "zoë", "Émile", "𝒜l"]);
  assert.deepEqual(after.people, [
    person("Bob"),
    person("bob"),
    person("zoë", "moderator"),
    person("Émile"),
    person("𝒜l"),
  ]);
});

Deno.test("member list: an entry of `people` alone adds the name (a joiner's own), a whole list replaces", () => {
  const self = applyPresenceList(list, {
    joined: [],
    left: [],
    people: [person("carl")],
  });
  assert.deepEqual(self.members, ["ann", "Bob", "carl", "zoë"]);
  assert.deepEqual(
    applyPresenceList(list, {
      joined: ["x"],
      left: [],
      members: ["x"],
      people: [person("x")],
    }),
    { members: ["x"], people: [person("x")] },
  );
  assert.equal(
    applyPresenceList(list, { joined: [], left: [] }),
    list,
    "nothing changed: the same list",
  );
  assert.deepEqual(
    applyPresenceList(list, { joined: [], left: ["nobody"] }).members,
    list.members,
  );
});
