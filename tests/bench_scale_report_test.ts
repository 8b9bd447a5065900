import assert from "node:assert/strict";
import { formatScaleTable, scaleSvg } from "../bench/scale_report.ts";
import type { ScaleStep } from "../bench/scale.ts";
import type { StepSummary } from "../bench/scenarios.ts";

function step(server: string, kib: number, settled: number): ScaleStep {
  return {
    server,
    connections: 19_900,
    processes: 1,
    joined: 19_900,
    alive: 19_900,
    failed: 0,
    joinMibIn: 1,
    joinCpuSeconds: { servers: 1, clients: 1, redis: 0 },
    joinSeconds: 10,
    kibPerConnection: kib,
    settledKibPerConnection: settled,
    heapKibPerConnection: 5,
    rssMib: 400,
    idleCpu: 5,
    idlePeakCpu: 40,
    broadcast: {
      sentPerSecond: 199,
      p50Ms: 3,
      p99Ms: 90,
      lost: 0,
    } as StepSummary,
  };
}

Deno.test("scale report: settled memory is a column, a ratio and a dashed line", () => {
  const steps = [step("reference", 18, 19.4), step("memory", 23.3, 15.2)];
  const table = formatScaleTable(steps);
  assert.match(table.split("\n")[0], /KiB\/conn\s+settled/);
  assert.match(table, /memory\/ref\s+1\.00×\s+1\.29×\s+0\.78×/);
  const svg = scaleSvg(steps, "test");
  const dashed = svg.match(/stroke-dasharray/g) ?? [];
  assert.equal(dashed.length, 2, "one dashed line per server");
  assert.match(svg, />project, 1 process, settled</);
});
