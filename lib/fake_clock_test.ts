import assert from "node:assert/strict";
import { FakeClock } from "./fake_clock.ts";

Deno.test("fake clock: timers run in due order as time moves, cancelled ones never", () => {
  const clock = new FakeClock(0);
  const ran: string[] = [];
  clock.setTimeout(() => ran.push(`b@${clock.now()}`), 20);
  clock.setTimeout(() => {
    ran.push(`a@${clock.now()}`);
    clock.setTimeout(() => ran.push(`c@${clock.now()}`), 5);
  }, 10);
  const cancelled = clock.setTimeout(() => ran.push("never"), 15);
  clock.clearTimeout(cancelled);
  clock.tick(9);
  assert.deepEqual(ran, []);
  assert.equal(clock.pending, 2);
  clock.tick(30);
  assert.deepEqual(ran, ["a@10", "c@15", "b@20"]);
  assert.equal(clock.now(), 39);
  assert.equal(clock.monotonic(), 39);
  assert.equal(clock.pending, 0);
});
