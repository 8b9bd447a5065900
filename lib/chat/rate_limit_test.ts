import assert from "node:assert/strict";
import { FakeClock } from "../fake_clock.ts";
import { Throttle, TokenBucket } from "./rate_limit.ts";

Deno.test("token bucket: a burst of 10, then one a second", () => {
  const clock = new FakeClock(0);
  const bucket = new TokenBucket({ burst: 10, perSecond: 1, clock });
  for (let i = 0; i < 10; i++) assert.equal(bucket.take(), true);
  assert.equal(bucket.take(), false);
  clock.tick(999);
  assert.equal(bucket.take(), false);
  clock.tick(1);
  assert.equal(bucket.take(), true);
  assert.equal(bucket.take(), false);
  clock.tick(59_000);
  assert.equal(bucket.take(), true);
  let granted = 0;
  for (let i = 0; i < 20; i++) if (bucket.take()) granted++;
  assert.equal(granted, 9);
});

Deno.test("throttle: one event per interval", () => {
  const clock = new FakeClock(0);
  const throttle = new Throttle(1000, clock);
  assert.equal(throttle.pass(), true);
  clock.tick(500);
  assert.equal(throttle.pass(), false);
  clock.tick(500);
  assert.equal(throttle.pass(), true);
  clock.tick(999);
  assert.equal(throttle.pass(), false);
});
