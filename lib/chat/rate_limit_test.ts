import assert from "node:assert/strict";
import { Throttle, TokenBucket } from "./rate_limit.ts";

Deno.test("token bucket: a burst of 10, then one a second", () => {
  const bucket = new TokenBucket({ burst: 10, perSecond: 1, now: 0 });
  for (let i = 0; i < 10; i++) assert.equal(bucket.take(0), true);
  assert.equal(bucket.take(0), false);
  assert.equal(bucket.take(999), false);
  assert.equal(bucket.take(1000), true);
  assert.equal(bucket.take(1000), false);
  assert.equal(bucket.take(60_000), true);
  let granted = 0;
  for (let i = 0; i < 20; i++) if (bucket.take(60_000)) granted++;
  assert.equal(granted, 9);
});

Deno.test("throttle: one event per interval", () => {
  const throttle = new Throttle(1000);
  assert.equal(throttle.pass(0), true);
  assert.equal(throttle.pass(500), false);
  assert.equal(throttle.pass(1000), true);
  assert.equal(throttle.pass(1999), false);
});
