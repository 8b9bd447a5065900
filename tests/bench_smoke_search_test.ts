/** `deno task bench --smoke`, search latency and its cost to the send path at tiny sizes. */
import assert from "node:assert/strict";
import { benchSmoke } from "./support/bench_smoke.ts";

Deno.test("bench --smoke: search in memory and kv, and the send path while searching", async () => {
  const { results } = await benchSmoke("search");
  const stores = results.search!.cost.map((cost) => cost.store);
  assert.deepEqual(stores, ["memory", "kv"]);
  assert.equal(results.search!.latency.length, 2);
});
