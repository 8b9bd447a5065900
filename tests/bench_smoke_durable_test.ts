/** `deno task bench --smoke`, the join storm and durable writes at tiny sizes. */
import assert from "node:assert/strict";
import { benchSmoke } from "./support/bench_smoke.ts";

Deno.test("bench --smoke: join storm and durable writes against every server", async () => {
  const { results } = await benchSmoke("durable");
  for (const target of ["reference", "memory", "kv"] as const) {
    assert.equal(results.storm[target]!.failed, 0, `${target} storm failed`);
    assert.ok(results.durable[target]!.load.ackedPerSecond > 0, target);
  }
});
