import assert from "node:assert/strict";
import { type PendingPresence, presenceFrames } from "./presence_frames.ts";

const pending: PendingPresence = {
  joined: ["b", "c"],
  left: ["z"],
  members: ["a", "b", "c"],
  ts: 7,
};

Deno.test("presence frames: the same bytes as serialising the whole event", () => {
  const withPeople: PendingPresence = {
    ...pending,
    people: [{ username: "a", kind: "guest", role: "member" }],
  };
  for (const window of [pending, withPeople]) {
    const { frame, withJoined } = presenceFrames(window);
    assert.equal(frame, JSON.stringify({ type: "presence", ...window }));
    assert.equal(
      withJoined(["c"]),
      JSON.stringify({ type: "presence", ...window, joined: ["c"] }),
    );
  }
});

Deno.test("presence frames: a joiner's variant lists only the others", () => {
  const { withJoined } = presenceFrames(pending);
  assert.deepEqual(JSON.parse(withJoined([])), {
    type: "presence",
    joined: [],
    left: ["z"],
    members: ["a", "b", "c"],
    ts: 7,
  });
});
