import assert from "node:assert/strict";
import { initialChatState, type OutgoingMessage } from "./chat_state.ts";
import { applyError, applyPresenceWindow } from "./chat_reducer.ts";

function entry(
  nonce: string,
  status: OutgoingMessage["status"],
): OutgoingMessage {
  return { nonce, text: nonce, status, createdAt: 0 };
}

Deno.test("reducer: errors fail the message in flight, ask for a name, or end the client", () => {
  const state = {
    ...initialChatState({ history: [], needsName: false }),
    joined: true,
    outbox: [entry("a", "sending")],
  };
  const limited = applyError(state, {
    code: "rate_limited",
    message: "too fast",
  });
  assert.equal(limited.patch.outbox?.[0].status, "failed");
  assert.equal(limited.patch.outbox?.[0].retryable, true);
  const slow = applyError(state, {
    code: "rate_limited",
    message: "Slow mode: one message every 5 s in this room.",
  });
  assert.equal(
    slow.patch.alert,
    "Slow mode: one message every 5 s in this room.",
  );
  assert.deepEqual(
    applyError(state, { code: "name_taken", message: "" }).patch,
    {},
  );
  const taken = applyError({ ...state, joined: false }, {
    code: "name_taken",
    message: "",
  });
  assert.equal(taken.patch.needsName, true);
  const kicked = applyError(state, { code: "kicked", message: "bye" });
  assert.equal(kicked.kicked, true);
  assert.equal(kicked.patch.status, "closed");
});

Deno.test("reducer: a presence event of changes updates the list, stops the leavers' typing and tells of the others only", () => {
  const state = {
    ...initialChatState({ history: [], needsName: false }),
    joined: true,
    username: "alice",
    members: ["alice", "bob"],
    people: [],
    typing: ["bob"],
  };
  let keys = 0;
  const patch = applyPresenceWindow(state, {
    event: {
      type: "presence",
      joined: ["carol"],
      left: ["bob"],
      people: [{ username: "carol", kind: "guest", role: "member" }],
      count: 2,
      ts: 5,
    },
    key: () => `k${keys++}`,
  });
  assert.deepEqual(patch.members, ["alice", "carol"]);
  assert.deepEqual(patch.typing, []);
  assert.deepEqual(
    patch.notices?.map((n) => [n.key, n.kind, n.username, n.ts]),
    [["k0", "joined", "carol", 5], ["k1", "left", "bob", 5]],
  );
  const self = applyPresenceWindow(state, {
    event: {
      type: "presence",
      joined: ["Alice"],
      left: [],
      count: 2,
      ts: 6,
    },
    key: () => "k",
  });
  assert.deepEqual(self.notices, [], "no notice of our own join");
});
