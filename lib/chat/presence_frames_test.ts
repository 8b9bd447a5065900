import assert from "node:assert/strict";
import type { PersonView } from "../protocol/events.ts";
import {
  presenceChange,
  presenceFrames,
  unchanged,
} from "./presence_frames.ts";

const guest = (username: string): PersonView => ({
  username,
  kind: "guest",
  role: "member",
});

Deno.test("presence change: names added and removed, and the entries that are new or changed", () => {
  const before = {
    members: ["a", "b", "c"],
    people: [guest("a"), guest("b"), guest("c")],
  };
  const promoted: PersonView = { ...guest("b"), role: "moderator" };
  const after = {
    members: ["b", "c", "d"],
    people: [promoted, guest("c"), guest("d")],
  };
  assert.deepEqual(presenceChange(before, after), {
    joined: ["d"],
    left: ["a"],
    people: [promoted, guest("d")],
  });
  assert.deepEqual(
    presenceChange({ members: ["a"] }, { members: ["a", "b"] }),
    { joined: ["b"], left: [] },
    "no people in the list it leads to: none in the change",
  );
  assert.deepEqual(
    presenceChange({ members: ["a"] }, { members: ["a"], people: [guest("a")] })
      .people,
    [guest("a")],
    "entries the client never had are sent",
  );
  assert.ok(unchanged(presenceChange(before, before)));
  assert.ok(unchanged(presenceChange(before, structuredClone(before))));
  assert.ok(!unchanged(presenceChange(before, after)));
});

Deno.test("presence frames: the same bytes as serialising the event; a joiner's variant leaves its own name out of joined only", () => {
  const event = {
    joined: ["b", "C"],
    left: ["z"],
    people: [guest("b"), guest("C")],
    count: 3,
    ts: 7,
  };
  const frames = presenceFrames(event);
  assert.equal(
    frames.forPeer("a"),
    JSON.stringify({ type: "presence", ...event }),
  );
  assert.equal(frames.forPeer("a"), frames.forPeer("x"), "built once");
  assert.deepEqual(JSON.parse(frames.forPeer("c")!), {
    type: "presence",
    ...event,
    joined: ["b"],
  });
});

Deno.test("presence frames: nothing for a peer that nothing is left for", () => {
  assert.equal(
    presenceFrames({ joined: [], left: [], people: [], count: 1, ts: 1 })
      .forPeer("a"),
    undefined,
  );
  const alone = presenceFrames({ joined: ["a"], left: [], count: 1, ts: 1 });
  assert.equal(alone.forPeer("a"), undefined);
  assert.ok(alone.forPeer("b"));
  const whole = presenceFrames({
    joined: ["a"],
    left: [],
    members: ["a"],
    count: 1,
    ts: 1,
  });
  assert.deepEqual(JSON.parse(whole.forPeer("a")!).members, ["a"]);
  const withEntry = presenceFrames({
    joined: ["a"],
    left: [],
    people: [guest("a")],
    count: 1,
    ts: 1,
  });
  assert.deepEqual(
    JSON.parse(withEntry.forPeer("a")!).people,
    [guest("a")],
    "a joiner still gets its own entry",
  );
});
