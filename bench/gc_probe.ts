/**
 * Preloaded into a server by bench/conn_cost.ts (`--preload`, with
 * `--v8-flags=--expose-gc`): on SIGUSR2 it collects garbage until the heap
 * stops shrinking and writes `Deno.memoryUsage()` as JSON to the file named
 * by `CONN_COST_PROBE` (with the size of each heap space); with `CONN_COST_SNAPSHOT` set, also a heap snapshot
 * to `<CONN_COST_SNAPSHOT>-<n>.heapsnapshot`.
 */
import { getHeapSpaceStatistics, writeHeapSnapshot } from "node:v8";

const target = Deno.env.get("CONN_COST_PROBE");
const snapshot = Deno.env.get("CONN_COST_SNAPSHOT");
const gc = (globalThis as { gc?: () => void }).gc;
let probes = 0;

async function collect(): Promise<void> {
  if (!gc) throw new Error("gc() missing: run with --v8-flags=--expose-gc");
  let last = Infinity;
  for (let i = 0; i < 10; i++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const used = Deno.memoryUsage().heapUsed;
    if (used >= last - 1024) return;
    last = used;
  }
}

async function probe(path: string): Promise<void> {
  const n = ++probes;
  await collect();
  const spaces = Object.fromEntries(
    getHeapSpaceStatistics().map((
      space,
    ) => [space.space_name, space.space_size]),
  );
  const usage = { probe: n, ...Deno.memoryUsage(), spaces };
  if (snapshot) writeHeapSnapshot(`${snapshot}-${n}.heapsnapshot`);
  await Deno.writeTextFile(`${path}.tmp`, JSON.stringify(usage));
  await Deno.rename(`${path}.tmp`, path);
}

if (target) {
  Deno.addSignalListener("SIGUSR2", () => {
    probe(target).catch((error) => console.error("gc_probe:", error));
  });
}
