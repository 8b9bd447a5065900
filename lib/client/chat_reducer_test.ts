import assert from "node:assert/strict";
import { initialChatState, type OutgoingMessage } from "./chat_state.ts";
import { applyError } from "./chat_reducer.ts";

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
