/** `deno task bench --smoke`, fan-out and batch fan-out at tiny sizes, so the bench cannot rot. */
import assert from "node:assert/strict";
import { SCENARIOS } from "../bench/main.ts";
import { benchSmoke, SMOKE_PIECES } from "./support/bench_smoke.ts";

Deno.test("bench smoke: the pieces together run every scenario once", () => {
  const pieces = Object.values(SMOKE_PIECES).flat();
  assert.deepEqual([...pieces].sort(), [...SCENARIOS].sort());
});

Deno.test("bench --smoke: fan-out against every server, batch fan-out against memory", async () => {
  const { text, results } = await benchSmoke("fanout");
  assert.match(text, /fan-out 1×\d+: ceiling msg\/s/);
  for (const target of ["reference", "memory", "kv"] as const) {
    const fanout = results.fanout[target];
    assert.ok(fanout && fanout.search.length > 0, `${target} fan-out search`);
    assert.equal(fanout.fixed?.lost, 0, `${target} lost deliveries`);
    assert.equal(fanout.fixed?.duplicates, 0, `${target} duplicates`);
  }
  assert.ok(results.fanoutBatch.memory!.search.length > 0);
  assert.equal(results.fanoutBatch.memory!.fixed?.duplicates, 0);
});
