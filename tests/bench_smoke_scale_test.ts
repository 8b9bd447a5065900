/** `deno task bench --smoke`, start-up, page weight and the scale steps at tiny sizes. */
import assert from "node:assert/strict";
import { benchSmoke } from "./support/bench_smoke.ts";

Deno.test("bench --smoke: start-up, page weight, and scale in one process and two over Redis", async () => {
  const { text, results } = await benchSmoke("scale");
  assert.ok(results.startup, "start-up measured");
  assert.ok(results.pages && results.pages.length > 0, "pages weighed");
  assert.match(text, /scale \(rooms of \d+\):/);
  const servers = results.scale!.map((step) => step.server);
  assert.deepEqual(servers, ["memory", "redis×2"]);
  for (const step of results.scale!) {
    assert.equal(step.failed, 0, `${step.server}: ${step.firstError}`);
    assert.equal(step.joined, step.connections);
    assert.equal(step.broadcast.lost, 0, `${step.server} lost deliveries`);
    assert.ok(step.broadcast.sent > 0);
  }
});
