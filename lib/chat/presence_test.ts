import assert from "node:assert/strict";
import { decideClaim, LocalPresence } from "./presence.ts";
import { testPresenceConformance } from "./presence_conformance.ts";

testPresenceConformance("local", () => Promise.resolve([new LocalPresence()]));

Deno.test("claims: only the same clientId may share a name", () => {
  const who = { username: "a", canonical: "a", clientId: "x" };
  assert.equal(decideClaim(undefined, who), "first");
  assert.equal(decideClaim({ clientId: "x" }, who), "again");
  assert.equal(decideClaim({ clientId: "y" }, who), "taken");
  assert.equal(decideClaim({}, { ...who, clientId: undefined }), "taken");
  assert.equal(
    decideClaim({ clientId: undefined }, { ...who, clientId: undefined }),
    "taken",
  );
});

Deno.test("local presence: an emptied room keeps nothing, even after its members are read", async () => {
  const presence = new LocalPresence();
  for (let i = 0; i < 100; i++) {
    const room = `r${i}`;
    await presence.claim(room, { username: "a", canonical: "a" });
    assert.deepEqual(await presence.members(room), ["a"]);
    await presence.release(room, "a");
    assert.deepEqual(await presence.members(room), []);
    assert.deepEqual(await presence.roster(room), []);
  }
  assert.equal(presence.retained(), 0);
});

Deno.test("local presence: roster entries last the person's stay, frozen and shared between reads", async () => {
  const presence = new LocalPresence();
  await presence.claim("r", {
    username: "Ann",
    canonical: "ann",
    clientId: "g:1",
  });
  const [first] = await presence.roster("r");
  await presence.claim("r", { username: "bob", canonical: "bob" });
  const [again] = await presence.roster("r");
  assert.equal(again, first);
  assert.ok(Object.isFrozen(first));
});
