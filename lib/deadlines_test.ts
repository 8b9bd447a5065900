import assert from "node:assert/strict";
import { Deadlines } from "./deadlines.ts";
import { FakeClock } from "./fake_clock.ts";

Deno.test("deadlines: a deadline not met is missed at its time, not before", () => {
  const clock = new FakeClock();
  const deadlines = new Deadlines({ ms: 1000, clock });
  const missed: string[] = [];
  deadlines.set(() => missed.push("a"));
  clock.tick(400);
  deadlines.set(() => missed.push("b"));
  clock.tick(599);
  assert.deepEqual(missed, []);
  clock.tick(1);
  assert.deepEqual(missed, ["a"]);
  clock.tick(399);
  assert.deepEqual(missed, ["a"]);
  clock.tick(1);
  assert.deepEqual(missed, ["a", "b"]);
  assert.equal(deadlines.pending, 0);
  assert.equal(clock.pending, 0, "no timer left");
});

Deno.test("deadlines: a met deadline never runs; one timer however many are pending", () => {
  const clock = new FakeClock();
  const deadlines = new Deadlines({ ms: 100, clock });
  const missed: number[] = [];
  const all = Array.from(
    { length: 3000 },
    (_, i) => deadlines.set(() => missed.push(i)),
  );
  assert.equal(clock.pending, 1);
  assert.equal(deadlines.pending, 3000);
  for (const [i, deadline] of all.entries()) {
    if (i !== 2500) deadlines.meet(deadline);
  }
  deadlines.meet(all[0]);
  assert.equal(deadlines.pending, 1);
  clock.tick(100);
  assert.deepEqual(missed, [2500]);
  assert.equal(clock.pending, 0);
});

Deno.test("deadlines: when all are met the timer stops; close forgets the rest", () => {
  const clock = new FakeClock();
  const deadlines = new Deadlines({ ms: 50, clock });
  const missed: string[] = [];
  const a = deadlines.set(() => missed.push("a"));
  deadlines.meet(a);
  assert.equal(clock.pending, 0);
  clock.tick(10);
  deadlines.set(() => missed.push("b"));
  clock.tick(10);
  const c = deadlines.set(() => missed.push("c"));
  clock.tick(40);
  assert.deepEqual(missed, ["b"]);
  deadlines.close();
  clock.tick(100);
  assert.deepEqual(missed, ["b"]);
  assert.equal(clock.pending, 0);
  deadlines.meet(c);
  assert.equal(deadlines.pending, 0);
});
