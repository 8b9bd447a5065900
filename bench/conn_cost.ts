/**
 * What one open socket costs one process, against the bare reference server:
 * `deno run -A bench/conn_cost.ts [--sockets=2000]`. Each round starts a
 * fresh server (`--v8-flags=--expose-gc`, bench/gc_probe.ts preloaded),
 * collects garbage and reads its memory, joins every socket at once in rooms
 * of 100 (coalesced presence, members interleaved as in the scale scenario),
 * collects garbage again and reads the difference per socket: heap used (what
 * the JS objects of a socket hold, steady on a busy machine), RSS, and the
 * server's CPU time per join beside the wall-clock join time. Targets
 * alternate round by round, so both see the same machine; the load average
 * goes beside every figure. `--help` lists the options.
 */
import { parseArgs } from "node:util";
import { ClientPool } from "./client_pool.ts";
import type { SocketSpec } from "./client_protocol.ts";
import { cpuSeconds, envPairs, killChildren, placement } from "./process.ts";
import { round, sleep } from "./scenarios.ts";
import { type BenchServer, startServer } from "./servers.ts";

/** Most sockets one run may open: its one load client holds at most 20,000 descriptors. */
export const MAX_SOCKETS = 19_900;

/** The figures of one round of one server. */
export interface ConnCost {
  target: "reference" | "memory";
  sockets: number;
  joined: number;
  failed: number;
  /** Heap used after a full GC, per joined socket, in KiB. */
  heapKib: number;
  /** Heap reserved (used and free) after the GC, per joined socket, in KiB. */
  heapTotalKib: number;
  /** Of that, the young generation's (new space, grown by the storm's garbage). */
  youngKib: number;
  /** Resident memory growth per joined socket, in KiB. */
  rssKib: number;
  /** Resident memory outside the JS heap (RSS less heap reserved), per socket, in KiB. */
  nativeKib: number;
  /** Array buffers and other memory outside the heap, per socket, in KiB. */
  externalKib: number;
  /** From the storm's start to the last welcome. */
  joinMs: number;
  /** Server CPU time spent while everyone joined, per join, in µs. */
  cpuUsPerJoin: number;
  /** 1-minute load average when the round ended. */
  load: number;
}

interface Usage {
  probe: number;
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  /** Bytes reserved by each heap space. */
  spaces: Record<string, number>;
}

const HELP = `deno run -A bench/conn_cost.ts [options]

  --sockets=N        sockets per round (default 2000, at most ${MAX_SOCKETS})
  --room-size=N      sockets per room (default 100)
  --rounds=N         rounds of each target, alternating (default 2)
  --targets=LIST     reference,memory (default both)
  --concurrency=N    sockets opening at once (default 250)
  --rate-limit       the project server with its rate limits on (off, as in the scale bench)
  --profile=DIR      write each server's CPU profile (start, join storm, stop) into DIR/TARGET
  --snapshot=PREFIX  write heap snapshots (PREFIX-TARGET-1 before, -2 after the joins)
  --env=KEY=VALUE    more environment for both servers (repeatable)
  --json             print the rounds as JSON instead of a table
`;

function loadAverage(): number {
  try {
    return Number(Deno.readTextFileSync("/proc/loadavg").split(" ")[0]);
  } catch {
    return NaN;
  }
}

/** Rooms of `roomSize`; one member of every room, then the next (the scale scenario's interleaved order). */
export function plan(sockets: number, roomSize: number): SocketSpec[] {
  const rooms = Math.ceil(sockets / roomSize);
  const sizes = Array.from(
    { length: rooms },
    (_, r) => Math.min(roomSize, sockets - r * roomSize),
  );
  const specs: SocketSpec[] = [];
  for (let m = 0; m < roomSize; m++) {
    for (let r = 0; r < rooms; r++) {
      if (m < sizes[r]) {
        specs.push({
          room: `cost-${r}`,
          username: `u${m}`,
          roomSize: sizes[r],
        });
      }
    }
  }
  return specs;
}

async function probe(server: BenchServer, file: string): Promise<Usage> {
  let previous = -1;
  try {
    previous = JSON.parse(await Deno.readTextFile(file)).probe;
  } catch {
    // no probe yet
  }
  Deno.kill(server.pid, "SIGUSR2");
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    try {
      const usage = JSON.parse(await Deno.readTextFile(file)) as Usage;
      if (usage.probe > previous) return usage;
    } catch {
      // not written yet
    }
    await sleep(50);
  }
  throw new Error(`no memory probe from the server:\n${server.errors}`);
}

async function measure(
  target: ConnCost["target"],
  options: {
    sockets: number;
    roomSize: number;
    concurrency: number;
    rateLimit: boolean;
    profileDir?: string;
    snapshot?: string;
    /** More environment for both servers. */
    env: Record<string, string>;
  },
): Promise<ConnCost> {
  const dir = await Deno.makeTempDir({ prefix: "conn-cost-" });
  const file = `${dir}/probe.json`;
  const where = placement({ pin: false, nofile: options.sockets + 1_000 });
  const server = await startServer(target, {
    placement: where,
    cpuProfileDir: options.profileDir && `${options.profileDir}/${target}`,
    denoFlags: ["--v8-flags=--expose-gc", "--preload=bench/gc_probe.ts"],
    env: {
      CONN_COST_PROBE: file,
      ...(options.snapshot
        ? { CONN_COST_SNAPSHOT: `${options.snapshot}-${target}` }
        : {}),
      CHAT_RATE_LIMIT: options.rateLimit ? "on" : "off",
      CHAT_MAX_CONNECTIONS: String(options.sockets + 100),
      ...options.env,
    },
  });
  const pool = new ClientPool(1, { placement: where, kind: "raw" });
  try {
    await sleep(500);
    const before = await probe(server, file);
    const cpuBefore = cpuSeconds(server.pid);
    const startAt = Date.now() + 300;
    const result = await pool.clients[0].open({
      url: server.url,
      sockets: plan(options.sockets, options.roomSize),
      batch: false,
      concurrency: options.concurrency,
      startAt,
    });
    const cpu = cpuSeconds(server.pid) - cpuBefore;
    await sleep(1_500);
    const after = await probe(server, file);
    const per = (bytes: number) =>
      round(bytes / 1024 / Math.max(1, result.opened), 2);
    return {
      target,
      sockets: options.sockets,
      joined: result.opened,
      failed: result.failed,
      heapKib: per(after.heapUsed - before.heapUsed),
      heapTotalKib: per(after.heapTotal - before.heapTotal),
      youngKib: per(
        (after.spaces.new_space ?? 0) - (before.spaces.new_space ?? 0),
      ),
      rssKib: per(after.rss - before.rss),
      nativeKib: per(
        after.rss - after.heapTotal - (before.rss - before.heapTotal),
      ),
      externalKib: per(after.external - before.external),
      joinMs: Math.round(result.lastWelcomeAt - startAt),
      cpuUsPerJoin: Math.round(cpu * 1e6 / Math.max(1, result.opened)),
      load: loadAverage(),
    };
  } finally {
    await pool.close();
    await server.stop();
    await Deno.remove(dir, { recursive: true });
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The rounds as a table, with the medians and the project's ratio to the reference. */
export function formatCosts(rounds: ConnCost[]): string {
  const lines = [
    "target     sockets  joined  heap KiB/s  reserved  young  RSS KiB/s  native  ext KiB/s  join ms  cpu µs/join  load",
  ];
  for (const r of rounds) {
    lines.push(
      [
        r.target.padEnd(9),
        String(r.sockets).padStart(8),
        String(r.joined).padStart(7),
        r.heapKib.toFixed(2).padStart(11),
        r.heapTotalKib.toFixed(2).padStart(9),
        r.youngKib.toFixed(2).padStart(6),
        r.rssKib.toFixed(2).padStart(10),
        r.nativeKib.toFixed(2).padStart(7),
        r.externalKib.toFixed(2).padStart(10),
        String(r.joinMs).padStart(8),
        String(r.cpuUsPerJoin).padStart(12),
        r.load.toFixed(2).padStart(5),
      ].join(" "),
    );
  }
  const of = (
    target: string,
    key: "heapKib" | "rssKib" | "nativeKib" | "cpuUsPerJoin",
  ) => median(rounds.filter((r) => r.target === target).map((r) => r[key]));
  const both = ["reference", "memory"].every((t) =>
    rounds.some((r) => r.target === t)
  );
  if (both) {
    const keys = ["heapKib", "rssKib", "nativeKib", "cpuUsPerJoin"] as const;
    for (const key of keys) {
      const ref = of("reference", key);
      const ours = of("memory", key);
      lines.push(
        `median ${key}: memory ${round(ours)} / reference ${round(ref)} = ${
          round(ours / ref, 2)
        }×`,
      );
    }
  }
  return lines.join("\n");
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      sockets: { type: "string", default: "2000" },
      "room-size": { type: "string", default: "100" },
      rounds: { type: "string", default: "2" },
      targets: { type: "string", default: "reference,memory" },
      concurrency: { type: "string", default: "250" },
      "rate-limit": { type: "boolean", default: false },
      profile: { type: "string" },
      snapshot: { type: "string" },
      env: { type: "string", multiple: true, default: [] },
      json: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    Deno.exit(0);
  }
  const sockets = Number(values.sockets);
  if (!Number.isInteger(sockets) || sockets < 1 || sockets > MAX_SOCKETS) {
    console.error(`--sockets must be 1 to ${MAX_SOCKETS}`);
    Deno.exit(2);
  }
  const targets = values.targets.split(",") as ConnCost["target"][];
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    Deno.addSignalListener(signal, () => {
      killChildren();
      Deno.exit(130);
    });
  }
  const rounds: ConnCost[] = [];
  for (let i = 0; i < Number(values.rounds); i++) {
    for (const target of targets) {
      const cost = await measure(target, {
        sockets,
        roomSize: Number(values["room-size"]),
        concurrency: Number(values.concurrency),
        rateLimit: values["rate-limit"],
        profileDir: values.profile,
        snapshot: values.snapshot,
        env: envPairs(values.env),
      });
      console.error(JSON.stringify(cost));
      rounds.push(cost);
    }
  }
  console.log(values.json ? JSON.stringify(rounds) : formatCosts(rounds));
}
