import assert from "node:assert/strict";
import { FakeClock } from "../fake_clock.ts";
import {
  BUFFER_CHECK_EVERY,
  Outbound,
  type OutboundSocket,
  SLOW_CONSUMER_GRACE_MS,
} from "./outbound.ts";

class FakeSocket implements OutboundSocket {
  readyState = 1;
  bufferedAmount = 0;
  sent: string[] = [];
  send(data: string): void {
    this.sent.push(data);
  }
}

function setup(maxBufferedBytes = 1000) {
  const socket = new FakeSocket();
  const clock = new FakeClock();
  const slow: number[] = [];
  const out = new Outbound(socket, {
    maxBufferedBytes,
    clock,
    onSlow: () => slow.push(clock.now()),
  });
  return { socket, clock, slow, out };
}

Deno.test("outbound: messages go out once, in id order", () => {
  const { socket, out } = setup();
  out.push('{"id":"2"}', "2");
  out.push('{"id":"1"}', "1");
  out.push('{"id":"2"}', "2");
  out.push('{"type":"typing"}');
  assert.deepEqual(socket.sent, ['{"id":"2"}', '{"type":"typing"}']);
  assert.equal(out.lastId, "2");
});

Deno.test("outbound: held events wait for the welcome and skip what it replayed", () => {
  const { socket, out } = setup();
  out.hold();
  out.push('{"id":"1"}', "1");
  out.push('{"id":"3"}', "3");
  out.push('{"type":"joined"}');
  assert.equal(out.pushShared("x", { first: "4", last: "5" }), false);
  assert.deepEqual(socket.sent, []);
  out.lastId = "2";
  out.now({ type: "welcome" });
  out.release();
  assert.deepEqual(socket.sent, [
    '{"type":"welcome"}',
    '{"id":"3"}',
    '{"type":"joined"}',
  ]);
  assert.equal(out.holding, false);
});

Deno.test("outbound: dropped holds are never sent", () => {
  const { socket, out } = setup();
  out.hold();
  out.push('{"id":"1"}', "1");
  out.drop();
  out.push('{"type":"typing"}');
  assert.deepEqual(socket.sent, ['{"type":"typing"}']);
});

Deno.test("outbound: a batching socket packs one task's events into one frame", async () => {
  const { socket, out } = setup();
  out.batch = true;
  out.push('{"id":"1"}', "1");
  out.event({ type: "typing", username: "ann" });
  assert.deepEqual(socket.sent, []);
  await Promise.resolve();
  assert.deepEqual(socket.sent, [
    '{"type":"batch","events":[{"id":"1"},{"type":"typing","username":"ann"}]}',
  ]);
  out.push('{"id":"2"}', "2");
  out.flush();
  assert.equal(socket.sent.at(-1), '{"id":"2"}');
});

Deno.test("outbound: a shared frame flushes the queue first and moves lastId", () => {
  const { socket, out } = setup();
  out.batch = true;
  out.push('{"id":"1"}', "1");
  assert.equal(out.pushShared("shared", { first: "1", last: "3" }), false);
  assert.equal(out.pushShared("shared", { first: "2", last: "3" }), true);
  assert.deepEqual(socket.sent, ['{"id":"1"}', "shared"]);
  assert.equal(out.lastId, "3");
  socket.readyState = 3;
  assert.equal(out.pushShared("gone", { first: "4" }), true);
  out.push('{"id":"5"}', "5");
  assert.deepEqual(socket.sent, ['{"id":"1"}', "shared"]);
});

Deno.test("outbound: a reader over the cap past the grace is slow, even in a quiet room", () => {
  const { socket, clock, slow, out } = setup(1000);
  socket.bufferedAmount = 1500;
  out.now({ type: "welcome" });
  assert.deepEqual(slow, []);
  clock.tick(SLOW_CONSUMER_GRACE_MS - 1);
  assert.deepEqual(slow, []);
  clock.tick(2);
  assert.equal(slow.length, 1);
});

Deno.test("outbound: a reader that catches up within the grace is not slow", () => {
  const { socket, clock, slow, out } = setup(1000);
  socket.bufferedAmount = 1500;
  out.now({ type: "welcome" });
  socket.bufferedAmount = 0;
  clock.tick(SLOW_CONSUMER_GRACE_MS + 10);
  assert.deepEqual(slow, []);
  assert.equal(clock.pending, 0);
});

Deno.test("outbound: eight times the cap is slow at once; stop cancels the recheck", () => {
  const { socket, clock, slow, out } = setup(1000);
  socket.bufferedAmount = 8001;
  out.now({ type: "welcome" });
  assert.equal(slow.length, 1);
  const other = setup(1000);
  other.socket.bufferedAmount = 1001;
  other.out.now({ type: "welcome" });
  other.out.stop();
  other.clock.tick(SLOW_CONSUMER_GRACE_MS * 2);
  assert.deepEqual(other.slow, []);
  assert.equal(clock.pending, 0);
});

Deno.test("outbound: unbatched sends look at the buffer every few frames", () => {
  const { socket, slow, out } = setup(10);
  socket.bufferedAmount = 100;
  for (let i = 1; i < BUFFER_CHECK_EVERY; i++) out.push("{}");
  assert.deepEqual(slow, []);
  out.push("{}");
  assert.equal(slow.length, 1);
});
