/** `deno task bench --smoke`: every scenario at tiny sizes, so the bench cannot rot. */
import assert from "node:assert/strict";
import type { BenchResults } from "../bench/report.ts";

const ROOT = new URL("../", import.meta.url);

Deno.test("bench --smoke runs every scenario against every server", async () => {
  const dir = await Deno.makeTempDir({ prefix: "bench-smoke-" });
  const out = `${dir}/results.json`;
  try {
    const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "bench/main.ts", "--smoke", `--out=${out}`],
      cwd: ROOT,
      env: { NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(stdout);
    assert.equal(code, 0, new TextDecoder().decode(stderr).slice(-3000));
    assert.match(text, /fan-out 1×\d+: ceiling msg\/s/);
    assert.match(text, /targets \(issue 7\): judged only in a full run/);
    assert.doesNotMatch(text, /\bnot met\b|\bMET\b/);
    const results = JSON.parse(await Deno.readTextFile(out)) as BenchResults;
    for (const target of ["reference", "memory", "kv"] as const) {
      const fanout = results.fanout[target];
      assert.ok(fanout && fanout.search.length > 0, `${target} fan-out search`);
      assert.equal(fanout.fixed?.lost, 0, `${target} lost deliveries`);
      assert.equal(fanout.fixed?.duplicates, 0, `${target} duplicates`);
      assert.ok(results.rooms[target]!.deliveriesPerSecond > 0);
      assert.equal(results.rooms[target]!.lost, 0);
      assert.equal(results.idle[target]!.failed, 0);
      assert.equal(results.storm[target]!.failed, 0);
      assert.ok(results.durable[target]!.load.ackedPerSecond > 0);
    }
    assert.ok(results.fanoutBatch.memory!.search.length > 0);
    assert.equal(results.fanoutBatch.memory!.fixed?.duplicates, 0);
    assert.equal(results.targets.length, 8);
    assert.match(text, /scale \(rooms of \d+\):/);
    const servers = results.scale!.map((step) => step.server);
    assert.deepEqual(servers, ["memory", "redis×2"]);
    for (const step of results.scale!) {
      assert.equal(step.failed, 0, `${step.server}: ${step.firstError}`);
      assert.equal(step.joined, step.connections);
      assert.equal(step.broadcast.lost, 0, `${step.server} lost deliveries`);
      assert.ok(step.broadcast.sent > 0);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
