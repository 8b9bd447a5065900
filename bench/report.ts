/** The bench's results: the JSON shape, the targets of issue 7, and the table for people. */
import type { SearchBenchResult, SendCostResult } from "./search.ts";
import type { ProfileEntry } from "./profile_summary.ts";
import type {
  BenchOptions,
  DurableResult,
  FanoutResult,
  IdleResult,
  StepSummary,
  StormResult,
} from "./scenarios.ts";
import type { Target } from "./servers.ts";
import type { PageWeight } from "../tests/support/page_weight.ts";
import type { StartupReport } from "./startup.ts";
import type { ScaleStep } from "./scale.ts";

/** Figures of each target server for one scenario. */
export type PerTarget<T> = Partial<Record<Target, T>>;

/** One target of the issue and whether this run met it (null: not measured). */
export interface TargetCheck {
  name: string;
  goal: string;
  value: number | null;
  met: boolean | null;
}

/** Everything one run measured: bench/results/latest.json. */
export interface BenchResults {
  version: 1;
  startedAt: string;
  command: string;
  seconds: number;
  machine: {
    cpus: number;
    model: string;
    deno: string;
    v8: string;
    serverCpus?: string;
    clientCpus?: string;
  };
  options: BenchOptions;
  /** True for `--smoke`: sizes too small for the targets to mean anything. */
  smoke?: boolean;
  fanout: PerTarget<FanoutResult>;
  fanoutBatch: PerTarget<FanoutResult>;
  rooms: PerTarget<StepSummary>;
  idle: PerTarget<IdleResult>;
  storm: PerTarget<StormResult>;
  durable: PerTarget<DurableResult>;
  targets: TargetCheck[];
  profile?: { file: string; batch: boolean; top: ProfileEntry[] }[];
  /** Cold start and memory at rest of each shape (issue 5). */
  startup?: StartupReport;
  /** JavaScript each page loads (issue 8). */
  pages?: PageWeight[];
  /** Rooms of 100 filled step by step (issue 16). */
  scale?: ScaleStep[];
  /** Search latency and its cost to the send path (issue 15). */
  search?: { latency: SearchBenchResult[]; cost: SendCostResult[] };
}

function ratio(
  value: number | undefined,
  reference: number | undefined,
): number | null {
  if (value === undefined || !reference) return null;
  return Math.round(100 * value / reference) / 100;
}

function check(
  name: string,
  target: { goal: string; value: number | null; test: (v: number) => boolean },
): TargetCheck {
  return {
    name,
    goal: target.goal,
    value: target.value,
    met: target.value === null ? null : target.test(target.value),
  };
}

/** The targets of issue 7, judged on `results`. */
export function judgeTargets(results: BenchResults): TargetCheck[] {
  const ref = results.fanout.reference;
  const atLeast = (n: number) => (v: number) => v >= n;
  const atMost = (n: number) => (v: number) => v <= n;
  return [
    check("fan-out ceiling, memory store / reference", {
      goal: "≥ 0.9",
      value: ratio(results.fanout.memory?.ceiling, ref?.ceiling),
      test: atLeast(0.9),
    }),
    check("fan-out ceiling, kv store / reference", {
      goal: "≥ 0.7",
      value: ratio(results.fanout.kv?.ceiling, ref?.ceiling),
      test: atLeast(0.7),
    }),
    check("p99 at half the reference ceiling, memory / reference", {
      goal: "≤ 1.5",
      value: ratio(results.fanout.memory?.fixed?.p99Ms, ref?.fixed?.p99Ms),
      test: atMost(1.5),
    }),
    check("p99 at half the reference ceiling, kv / reference", {
      goal: "≤ 1.5",
      value: ratio(results.fanout.kv?.fixed?.p99Ms, ref?.fixed?.p99Ms),
      test: atMost(1.5),
    }),
    check("memory per idle connection, memory / reference", {
      goal: "≤ 1.3",
      value: ratio(
        results.idle.memory?.kibPerConnection,
        results.idle.reference?.kibPerConnection,
      ),
      test: atMost(1.3),
    }),
    check("join storm time, memory / reference", {
      goal: "≤ 1.5",
      value: ratio(
        results.storm.memory?.seconds,
        results.storm.reference?.seconds,
      ),
      test: atMost(1.5),
    }),
    check("batch fan-out ceiling (no loss, p99 < limit), memory / reference", {
      goal: "≥ 1.5",
      value: ratio(results.fanoutBatch.memory?.ceiling, ref?.ceiling),
      test: atLeast(1.5),
    }),
    check("durable kv writes, acknowledged msg/s", {
      goal: "≥ 5000",
      value: results.durable.kv?.load.ackedPerSecond ?? null,
      test: atLeast(5000),
    }),
  ];
}

function format(value: number | string | null | undefined): string {
  if (value === null || value === undefined) return "—";
  if (typeof value === "string") return value;
  if (Math.abs(value) >= 1000) return Math.round(value).toLocaleString("en");
  if (Math.abs(value) >= 100) return value.toFixed(0);
  if (Math.abs(value) >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

function cpu(
  entry:
    | { serverCpu: number; clientCpu: number; otherCpu?: number }
    | undefined,
) {
  if (!entry) return undefined;
  const other = entry.otherCpu ? ` +${entry.otherCpu}%` : "";
  return `${entry.serverCpu}% / ${entry.clientCpu}%${other}`;
}

/** Where the first failing step after the ceiling was bound: the server's core or the clients'. */
function limit(result: FanoutResult | undefined): string | undefined {
  if (!result) return undefined;
  const fail = result.search.find((s) => !s.pass && s.rate > result.ceiling);
  if (!fail) return "rate cap";
  if (fail.clientCpu >= 90 && fail.clientCpu >= fail.serverCpu) {
    return "clients";
  }
  if (fail.serverCpu >= 90) return "server";
  return "latency";
}

type Row = [string, ...(string | number | null | undefined)[]];

/** The results as a text table: each figure for reference, memory and kv, and the ratios to the reference. */
export function formatTable(results: BenchResults): string {
  const { fanout, fanoutBatch, rooms, idle, storm, durable, options } = results;
  const subs = options.subscribers;
  const fixedRate = fanout.reference?.fixed?.rate ?? options.fixedRate ??
    fanout.memory?.fixed?.rate;
  const rows: Row[] = [];
  const add = (
    label: string,
    pick: (t: Target) => number | string | undefined,
    ratios = true,
  ) => {
    const ref = pick("reference");
    const mem = pick("memory");
    const kv = pick("kv");
    if (ref === undefined && mem === undefined && kv === undefined) return;
    rows.push([
      label,
      ref,
      mem,
      kv,
      ratios && typeof mem === "number" && typeof ref === "number"
        ? ratio(mem, ref)
        : undefined,
      ratios && typeof kv === "number" && typeof ref === "number"
        ? ratio(kv, ref)
        : undefined,
    ]);
  };
  add(`fan-out 1×${subs}: ceiling msg/s`, (t) => fanout[t]?.ceiling);
  add(
    "  deliveries/s at ceiling",
    (t) => fanout[t]?.atCeiling?.deliveriesPerSecond,
  );
  add("  cpu server / clients", (t) => cpu(fanout[t]?.atCeiling), false);
  add("  bound by (next step)", (t) => limit(fanout[t]), false);
  add(`fan-out @${fixedRate} msg/s: p50 ms`, (t) => fanout[t]?.fixed?.p50Ms);
  add("  p99 ms", (t) => fanout[t]?.fixed?.p99Ms);
  add("  cpu server / clients", (t) => cpu(fanout[t]?.fixed), false);
  const batch = (t: Target) =>
    t === "reference" ? fanout.reference?.ceiling : fanoutBatch[t]?.ceiling;
  add("fan-out batch: ceiling msg/s (ref: plain)", batch);
  add(
    "  deliveries/s at ceiling",
    (t) =>
      t === "reference"
        ? fanout.reference?.atCeiling?.deliveriesPerSecond
        : fanoutBatch[t]?.atCeiling?.deliveriesPerSecond,
  );
  add(
    "  cpu server / clients",
    (t) => t === "reference" ? undefined : cpu(fanoutBatch[t]?.atCeiling),
    false,
  );
  add("  bound by (next step)", (t) => limit(fanoutBatch[t]), false);
  add(
    `  p99 ms @${fixedRate} msg/s (ref: plain)`,
    (t) =>
      t === "reference"
        ? fanout.reference?.fixed?.p99Ms
        : fanoutBatch[t]?.fixed?.p99Ms,
  );
  add(
    `many rooms ${options.rooms}×${options.roomSize}: deliveries/s`,
    (t) => rooms[t]?.deliveriesPerSecond,
  );
  add("  p50 ms", (t) => rooms[t]?.p50Ms);
  add("  p99 ms", (t) => rooms[t]?.p99Ms);
  add("  cpu server / clients", (t) => cpu(rooms[t]), false);
  add(
    `idle ${options.idle} over ${options.idleRooms} rooms: KiB/conn`,
    (t) => idle[t]?.kibPerConnection,
  );
  add(
    `join storm ${options.storm} (${options.stormRooms} room(s)): s`,
    (t) => storm[t]?.seconds,
  );
  add("  cpu server / clients", (t) => cpu(storm[t]), false);
  add(
    `durable ${options.durableRooms} rooms × window ${options.durableWindow}: msg/s`,
    (t) => durable[t]?.load.ackedPerSecond,
  );
  add("  ack p50 ms", (t) => durable[t]?.load.ackP50Ms);
  add("  ack p99 ms", (t) => durable[t]?.load.ackP99Ms);
  add("  cpu server / clients", (t) => cpu(durable[t]?.load), false);
  add("  lone message ack p50 ms", (t) => durable[t]?.lone.ackP50Ms);
  const header: string[] = [
    "scenario",
    "reference",
    "memory",
    "kv",
    "memory/ref",
    "kv/ref",
  ];
  const cells = [header, ...rows.map((row) => row.map(format))];
  const widths = header.map((_, i) =>
    Math.max(...cells.map((row) => row[i].length))
  );
  const line = (row: string[]) =>
    row.map((cell, i) =>
      i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i])
    )
      .join("  ");
  const out = [
    line(cells[0]),
    widths.map((w) => "-".repeat(w)).join("  "),
    ...cells.slice(1).map(line),
  ];
  out.push(
    "",
    "cpu: % of one core for the server / all load clients (+ every other process on the machine: noise)",
    "",
    results.smoke
      ? "targets (issue 7): judged only in a full run (`deno task bench`), not at --smoke sizes"
      : "targets (issue 7):",
  );
  for (const t of results.smoke ? [] : results.targets) {
    const state = t.met === null ? "not run" : t.met ? "MET" : "not met";
    out.push(
      `  ${state.padEnd(7)}  ${t.name}: ${format(t.value)} (goal ${t.goal})`,
    );
  }
  return out.join("\n");
}
