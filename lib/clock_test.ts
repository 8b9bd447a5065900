import assert from "node:assert/strict";
import { repeat, withDeadline, within } from "./clock.ts";
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

Deno.test("within: true when the promise comes first, its timer cleared", async () => {
  const clock = new FakeClock(0);
  const done = Promise.withResolvers<void>();
  const waiting = within(done.promise, { ms: 100, clock });
  clock.tick(99);
  done.resolve();
  assert.equal(await waiting, true);
  assert.equal(clock.pending, 0);
});

Deno.test("within: false once the time runs out; a rejection passes through", async () => {
  const clock = new FakeClock(0);
  const waiting = within(new Promise(() => {}), { ms: 100, clock });
  clock.tick(100);
  assert.equal(await waiting, false);
  const failing = within(Promise.reject(new Error("boom")), { ms: 100, clock });
  await assert.rejects(failing, /boom/);
  assert.equal(clock.pending, 0);
});

Deno.test("withDeadline: the value in time, else the given error", async () => {
  const clock = new FakeClock(0);
  assert.equal(
    await withDeadline(Promise.resolve(7), {
      ms: 10,
      clock,
      error: () => new Error("late"),
    }),
    7,
  );
  const late = withDeadline(new Promise(() => {}), {
    ms: 10,
    clock,
    error: () => new Error("late"),
  });
  clock.tick(10);
  await assert.rejects(late, /late/);
  assert.equal(clock.pending, 0);
});
