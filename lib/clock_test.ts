import assert from "node:assert/strict";
import { repeat } from "./clock.ts";
import { FakeClock } from "./fake_clock.ts";

Deno.test("repeat: runs every period as time moves, never after it is stopped", () => {
  const clock = new FakeClock(0);
  const ran: number[] = [];
  const stop = repeat(() => ran.push(clock.now()), { everyMs: 10, clock });
  clock.tick(9);
  assert.deepEqual(ran, []);
  clock.tick(26);
  assert.deepEqual(ran, [10, 20, 30]);
  stop();
  assert.equal(clock.pending, 0);
  clock.tick(100);
  assert.deepEqual(ran, [10, 20, 30]);
});

Deno.test("repeat: a stop called from inside the callback ends it", () => {
  const clock = new FakeClock(0);
  let runs = 0;
  const stop = repeat(() => {
    if (++runs === 2) stop();
  }, { everyMs: 5, clock });
  clock.tick(50);
  assert.equal(runs, 2);
  assert.equal(clock.pending, 0);
});
