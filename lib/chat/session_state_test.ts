import assert from "node:assert/strict";
import { MAX_FRAME_BYTES } from "../protocol/limits.ts";
import {
  closeLabel,
  closeReason,
  rollback,
  type SessionState,
  step,
} from "./session_state.ts";

const join = JSON.stringify({ type: "join", username: "ann" });
const say = JSON.stringify({ type: "message", text: "hi", nonce: "n1" });

Deno.test("session state: a closed or draining session takes nothing", () => {
  assert.deepEqual(step("closed", { data: join }), { do: "ignore" });
  assert.deepEqual(step("joined", { data: say, draining: true }), {
    do: "ignore",
  });
});

Deno.test("session state: a join is taken only in `new`", () => {
  assert.equal(step("new", { data: join }).do, "join");
  assert.deepEqual(step("joining", { data: join }), {
    do: "error",
    code: "bad_frame",
    message: "A join is under way.",
  });
  assert.deepEqual(step("joined", { data: join }), {
    do: "error",
    code: "bad_frame",
    message: "Already joined.",
  });
});

Deno.test("session state: before the join, other frames are not_joined, with the message's nonce", () => {
  for (const state of ["new", "joining"] as SessionState[]) {
    assert.deepEqual(step(state, { data: say }), {
      do: "error",
      code: "not_joined",
      message: "Join the room first.",
      nonce: "n1",
    });
    const typing = step(state, { data: '{"type":"typing"}' });
    assert.equal(typing.do === "error" && typing.code, "not_joined");
    const empty = JSON.stringify({ type: "message", text: "", nonce: "n2" });
    const refused = step(state, { data: empty });
    assert.equal(refused.do === "error" && refused.code, "not_joined");
  }
});

Deno.test("session state: a joined session routes each frame to its step", () => {
  const steps = [
    [say, "message"],
    ['{"type":"typing"}', "typing"],
    ['{"type":"edit","id":"00000001","text":"x"}', "change"],
    ['{"type":"delete","id":"00000001"}', "change"],
    ['{"type":"kick","username":"bob"}', "moderate"],
  ] as const;
  for (const [data, expected] of steps) {
    assert.equal(step("joined", { data }).do, expected, data);
  }
  const empty = step("joined", {
    data: JSON.stringify({ type: "message", text: "", nonce: "n2" }),
  });
  assert.equal(empty.do === "error" && empty.code, "invalid_message");
  assert.equal(empty.do === "error" && empty.nonce, "n2");
});

Deno.test("session state: bad and oversized frames", () => {
  const nonJson = step("joined", { data: "{nope" });
  assert.equal(nonJson.do === "error" && nonJson.code, "bad_frame");
  assert.deepEqual(step("new", { data: new ArrayBuffer(4) }), {
    do: "error",
    code: "bad_frame",
    message: "Frames must be JSON text.",
  });
  const big = step("new", { data: new ArrayBuffer(MAX_FRAME_BYTES + 1) });
  assert.equal(big.do, "too_large");
  const bigText = step("joined", { data: "x".repeat(MAX_FRAME_BYTES + 1) });
  assert.equal(bigText.do, "too_large");
  assert.equal(
    step("joined", { data: new Blob(["x".repeat(MAX_FRAME_BYTES + 1)]) }).do,
    "too_large",
  );
});

Deno.test("session state: a failed join goes back to new unless the socket closed", () => {
  assert.equal(rollback("joining"), "new");
  assert.equal(rollback("closed"), "closed");
});

Deno.test("session state: close reasons and their metric labels", () => {
  assert.equal(closeReason("kicked"), "kicked");
  assert.equal(closeReason(undefined), "client");
  assert.equal(
    closeReason(undefined, {
      wasClean: false,
      reason: "No pong (ping timeout)",
    }),
    "idle timeout: no pong",
  );
  assert.equal(
    closeReason(undefined, { wasClean: true, reason: "ping" }),
    "client",
  );
  assert.equal(closeLabel("idle timeout: no pong"), "idle_timeout");
  assert.equal(
    closeLabel("slow consumer: too much unsent data"),
    "slow_consumer",
  );
});
