/** `deno task bench --smoke`, many rooms and idle connections at tiny sizes. */
import assert from "node:assert/strict";
import { benchSmoke } from "./support/bench_smoke.ts";

Deno.test("bench --smoke: many rooms and idle connections against every server", async () => {
  const { results } = await benchSmoke("rooms");
  for (const target of ["reference", "memory", "kv"] as const) {
    assert.ok(results.rooms[target]!.deliveriesPerSecond > 0, target);
    assert.equal(results.rooms[target]!.lost, 0, `${target} lost deliveries`);
    assert.equal(results.idle[target]!.failed, 0, `${target} idle failed`);
  }
});
