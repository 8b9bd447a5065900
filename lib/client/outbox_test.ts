import assert from "node:assert/strict";
import type { ClientFrame, MessageEvent } from "../protocol/events.ts";
import { MAX_TEXT_LENGTH } from "../protocol/limits.ts";
import type { OutgoingMessage } from "./chat_state.ts";
import {
  acknowledge,
  checkText,
  discardFailed,
  failOldestSending,
  requeue,
  sendDue,
} from "./outbox.ts";

function entry(
  nonce: string,
  status: OutgoingMessage["status"],
): OutgoingMessage {
  return { nonce, text: nonce, status, createdAt: 0 };
}

Deno.test("outbox: text is checked before it is queued", () => {
  assert.equal(checkText("  "), "Write something first.");
  assert.equal(checkText("x".repeat(MAX_TEXT_LENGTH)), null);
  assert.match(checkText("x".repeat(MAX_TEXT_LENGTH + 1)) ?? "", /at most/);
});

Deno.test("outbox: queued messages are sent, and those in flight again after a welcome", () => {
  const written: ClientFrame[] = [];
  const outbox = [entry("a", "sending"), entry("b", "queued")];
  const sent = sendDue(outbox, {
    resendInFlight: false,
    write: (frame) => written.push(frame) > 0,
  });
  assert.deepEqual(sent?.map((m) => m.status), ["sending", "sending"]);
  assert.deepEqual(written, [{ type: "message", text: "b", nonce: "b" }]);
  sendDue(sent!, { resendInFlight: true, write: (f) => written.push(f) > 0 });
  assert.equal(written.length, 3);
  assert.equal(
    sendDue(outbox, { resendInFlight: false, write: () => false }),
    null,
  );
});

Deno.test("outbox: an ack takes its message out; a failed one's ack fails the next in flight", () => {
  const message = { type: "message", id: "1", nonce: "a" } as MessageEvent;
  assert.deepEqual(acknowledge([entry("a", "sending")], message), []);
  const failed = { ...entry("a", "failed"), error: "slow", retryable: true };
  const after = acknowledge([failed, entry("b", "sending")], message);
  assert.deepEqual(after.map((m) => [m.nonce, m.status, m.error]), [
    ["b", "failed", "slow"],
  ]);
});

Deno.test("outbox: failed messages are resent with their nonce or discarded", () => {
  const failed = failOldestSending([entry("a", "sending")], {
    error: "x",
    retryable: true,
  });
  assert.equal(failed[0].status, "failed");
  assert.deepEqual(requeue(failed, "a")[0].status, "queued");
  assert.equal(requeue(failed, "a")[0].error, undefined);
  assert.deepEqual(discardFailed(failed, "a"), []);
  assert.equal(discardFailed([entry("a", "sending")], "a").length, 1);
});
