/**
 * The scale scenario: rooms of 100 filled step by step (2k, 10k, 19.9k
 * sockets in one process beside the bare reference; then 50k and 100k over
 * several server processes sharing Redis). Per step: time for everyone to
 * join (coalesced presence, as the browser asks), KiB and heap per
 * connection, idle CPU (mean and the busiest second), then one message per
 * room at a steady rate with p50/p99 and loss.
 *
 * Load clients hold at most `perClient` sockets each (a process may hold
 * 20,000 descriptors here). `Deno.connect` cannot pick its source address, so
 * past one process each client connects to its own loopback address
 * (127.0.0.2, 127.0.0.3, …) with the server listening on 0.0.0.0: every
 * address has its own 28,000 ephemeral ports.
 */
import { ClientPool } from "./client_pool.ts";
import type { SocketSpec } from "./client_protocol.ts";
import { CpuMeter, cpuSeconds, openFileLimits } from "./process.ts";
import {
  type BenchContext,
  round,
  runStep,
  sleep,
  type StepSummary,
} from "./scenarios.ts";
import { type BenchServer, startServer } from "./servers.ts";
import { startRedis } from "../tests/support/redis.ts";

/** `nice` of the server processes past one process, below the load clients sharing their cores. */
export const SERVER_NICE = 5;

/** Sizes of the scale scenario. */
export interface ScaleOptions {
  /** Connections of the one-process steps. */
  steps: number[];
  /** Servers of the one-process steps. */
  targets: ("reference" | "memory")[];
  /** Connections of the steps over several processes. */
  processSteps: number[];
  /** Server processes of those steps (CHAT_PROCESSES). */
  processes: number;
  roomSize: number;
  /** Most sockets one load client holds. */
  perClient: number;
  /** Sockets one load client opens at once. */
  concurrency: number;
  /** Messages per second per room in one process, and over several. */
  rate: number;
  processRate: number;
  /** Length of the broadcast, in one process and over several. */
  broadcastMs: number;
  processBroadcastMs: number;
  /**
   * Length of the idle CPU measurement (1 s samples), from 2 s after the
   * last welcome: longer than half the idle timeout (60 s), after which
   * every quiet socket is pinged, so the heartbeats are in it.
   */
  idleMs: number;
  settleMs: number;
  /**
   * Order in which each client's sockets join: `interleaved` (one member of
   * every room, then the next: every room fills through the whole storm, so
   * each join sends its member list to everyone already in the room, with
   * nothing to coalesce) or `rooms` (one member of every room first, the
   * senders, then room after room, as people who arrive together).
   */
  joinOrder: "interleaved" | "rooms";
  /** Where each one-process step writes its server's CPU profile (DIR/TARGET-SOCKETS), when given. */
  cpuProfileDir?: string;
}

/** The full run: what issue 16 asks for. */
export const SCALE_FULL: ScaleOptions = {
  steps: [2_000, 10_000, 19_900],
  targets: ["reference", "memory"],
  processSteps: [50_000, 100_000],
  processes: 6,
  roomSize: 100,
  perClient: 16_700,
  concurrency: 250,
  rate: 1,
  processRate: 0.2,
  broadcastMs: 5_000,
  processBroadcastMs: 10_000,
  idleMs: 40_000,
  settleMs: 2_000,
  joinOrder: "interleaved",
};

/** Tiny sizes for `--smoke` (CI): every code path, a few seconds. */
export const SCALE_SMOKE: ScaleOptions = {
  steps: [100],
  targets: ["memory"],
  processSteps: [200],
  processes: 2,
  roomSize: 20,
  perClient: 250,
  concurrency: 50,
  rate: 1,
  processRate: 2,
  broadcastMs: 500,
  processBroadcastMs: 500,
  idleMs: 500,
  settleMs: 100,
  joinOrder: "interleaved",
};

/** The figures of one step of one server. */
export interface ScaleStep {
  /** `reference`, `memory` (one process) or `redis×N` (N processes). */
  server: string;
  connections: number;
  processes: number;
  joined: number;
  /** Sockets still open when the broadcast starts (the others were closed after joining). */
  alive: number;
  failed: number;
  firstError?: string;
  /** What the load clients received while everyone joined (welcomes and presence events), in MiB. */
  joinMibIn: number;
  /** CPU seconds spent while everyone joined: servers, load clients, Redis. */
  joinCpuSeconds: { servers: number; clients: number; redis: number };
  joinSeconds: number;
  /** Resident memory growth per connection 2 s after the last welcome. */
  kibPerConnection: number;
  /**
   * The same at the end of the idle period, by when V8 may have given back
   * pages the join storm's garbage held (what a server holding these
   * sockets keeps).
   */
  settledKibPerConnection: number;
  heapKibPerConnection: number | null;
  /** Resident memory of every server process after the joins. */
  rssMib: number;
  idleCpu: number;
  idlePeakCpu: number;
  broadcast: StepSummary;
  /** Redis's resident memory, for the steps over several processes. */
  redisMib?: number;
}

function rssOfPid(pid: number): number {
  try {
    const status = Deno.readTextFileSync(`/proc/${pid}/status`);
    return Number(status.match(/^VmRSS:\s+(\d+)/m)?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/** Heap in use summed over `isolates` isolates (scraped until each has answered). */
async function heapKib(server: BenchServer, isolates: number): Promise<number> {
  const http = server.url.replace(/^ws/, "http");
  const seen = new Map<string, number>();
  for (let i = 0; i < isolates * 40 && seen.size < isolates; i++) {
    const res = await fetch(`${http}/metrics`, {
      headers: { connection: "close" },
    }).catch(() => undefined);
    if (!res) continue;
    const text = await res.text();
    const heap = Number(
      text.match(/^process_heap_used_bytes (\d+)/m)?.[1] ?? NaN,
    );
    seen.set(res.headers.get("x-chat-isolate") ?? "only", heap);
  }
  let sum = 0;
  for (const heap of seen.values()) sum += heap;
  return sum / 1024;
}

/** Members that joined, for the rooms where some never did; undefined when every socket joined. */
export function joinedRoomSizes(
  specs: SocketSpec[],
  failedRooms: (Record<string, number> | undefined)[],
): Record<string, number> | undefined {
  const failed = new Map<string, number>();
  for (const rooms of failedRooms) {
    for (const [room, count] of Object.entries(rooms ?? {})) {
      failed.set(room, (failed.get(room) ?? 0) + count);
    }
  }
  if (failed.size === 0) return undefined;
  const sizes: Record<string, number> = {};
  for (const spec of specs) {
    const missing = failed.get(spec.room);
    if (missing !== undefined) sizes[spec.room] = spec.roomSize - missing;
  }
  return sizes;
}

/** Rooms of `roomSize`, each whole in one client; each client's list starts with one member of each of its rooms (the senders). */
function plan(
  options: {
    connections: number;
    roomSize: number;
    clients: number;
    order: ScaleOptions["joinOrder"];
  },
): SocketSpec[][] {
  const rooms = Math.ceil(options.connections / options.roomSize);
  const perClient: number[][] = Array.from(
    { length: options.clients },
    () => [],
  );
  for (let r = 0; r < rooms; r++) perClient[r % options.clients].push(r);
  let left = options.connections;
  const sizes = Array.from({ length: rooms }, () => {
    const size = Math.min(options.roomSize, left);
    left -= size;
    return size;
  });
  return perClient.map((mine) => {
    const specs: SocketSpec[] = [];
    const add = (r: number, m: number) => {
      if (m < sizes[r]) {
        specs.push({
          room: `scale-${r}`,
          username: `u${m}`,
          roomSize: sizes[r],
        });
      }
    };
    for (const r of mine) add(r, 0);
    if (options.order === "rooms") {
      for (const r of mine) {
        for (let m = 1; m < options.roomSize; m++) add(r, m);
      }
      return specs;
    }
    for (let m = 1; m < options.roomSize; m++) {
      for (const r of mine) add(r, m);
    }
    return specs;
  });
}

async function idleCpu(
  pids: number[],
  ms: number,
): Promise<{ mean: number; peak: number }> {
  const whole = new CpuMeter(pids);
  let peak = 0;
  for (let t = 0; t < ms; t += 1000) {
    const second = new CpuMeter(pids);
    await sleep(Math.min(1000, ms - t));
    peak = Math.max(peak, second.percent());
  }
  return { mean: whole.percent(), peak };
}

async function measure(
  server: BenchServer,
  run: {
    context: BenchContext;
    options: ScaleOptions;
    name: string;
    connections: number;
    processes: number;
    isolates: number;
    addresses: boolean;
    /** Redis's process, past one process. */
    redisPid?: number;
  },
): Promise<ScaleStep> {
  const { context, options, connections } = run;
  const clients = Math.max(1, Math.ceil(connections / options.perClient));
  const pool = new ClientPool(clients, {
    placement: run.processes > 1
      ? { nofile: context.placement.nofile }
      : context.placement,
    kind: "raw",
  });
  try {
    await sleep(options.settleMs);
    const rssBefore = server.rss();
    const heapBefore = await heapKib(server, run.isolates);
    const sockets = plan({
      connections,
      roomSize: options.roomSize,
      clients,
      order: options.joinOrder,
    });
    const port = new URL(server.url).port;
    const startAt = Date.now() + 300;
    const cpu = () => {
      const sum = (pids: number[]) =>
        pids.reduce((total, pid) => total + cpuSeconds(pid), 0);
      return {
        servers: sum(server.pids()),
        clients: sum(pool.pids),
        redis: run.redisPid ? cpuSeconds(run.redisPid) : 0,
      };
    };
    const cpuBefore = cpu();
    const results = await Promise.all(
      pool.clients.map((client, i) =>
        client.open({
          url: run.addresses
            ? `ws://127.0.0.${2 + i}:${port}`
            : `ws://127.0.0.1:${port}`,
          sockets: sockets[i],
          batch: false,
          concurrency: options.concurrency,
          startAt,
        })
      ),
    );
    const cpuAfter = cpu();
    const joinCpuSeconds = {
      servers: round(cpuAfter.servers - cpuBefore.servers, 1),
      clients: round(cpuAfter.clients - cpuBefore.clients, 1),
      redis: round(cpuAfter.redis - cpuBefore.redis, 1),
    };
    const joined = results.reduce((sum, r) => sum + r.opened, 0);
    const failed = results.reduce((sum, r) => sum + r.failed, 0);
    const lastWelcomeAt = Math.max(...results.map((r) => r.lastWelcomeAt));
    const joinSeconds = round((lastWelcomeAt - startAt) / 1000, 2);
    context.log(
      `  ${run.name} ${connections}: ${joined} joined in ${joinSeconds} s (${options.joinOrder}), ${failed} failed`,
    );
    await sleep(options.settleMs);
    const rss = server.rss();
    const heap = await heapKib(server, run.isolates);
    const idle = await idleCpu(server.pids(), options.idleMs);
    const settledRss = server.rss();
    const perJoined = (kib: number) => round(kib / Math.max(1, joined), 1);
    const settled = await pool.stats(0);
    const alive = settled.reduce((sum, s) => sum + s.open, 0);
    const joinMibIn = round(
      settled.reduce((sum, s) => sum + s.bytesIn, 0) / 1024 / 1024,
      0,
    );
    const rate = run.processes > 1 ? options.processRate : options.rate;
    const broadcastMs = run.processes > 1
      ? options.processBroadcastMs
      : options.broadcastMs;
    context.log(
      `  ${run.name} ${connections}: ${alive} alive, broadcasting for ${
        broadcastMs / 1000
      } s from ${new Date().toISOString()}`,
    );
    const roomSizes = joinedRoomSizes(
      sockets.flat(),
      results.map((r) => r.failedRooms),
    );
    const broadcast = await runStep(server, pool, {
      senders: sockets.map((specs, index) => ({
        index,
        senders: new Set(specs.map((s) => s.room)).size,
        rate,
      })),
      durationMs: broadcastMs,
      totalRate: rate * Math.ceil(connections / options.roomSize),
      ...(roomSizes ? { roomSizes } : {}),
    });
    const step: ScaleStep = {
      server: run.name,
      connections,
      processes: run.processes,
      joined,
      alive,
      failed,
      joinMibIn,
      joinCpuSeconds,
      ...(results.find((r) => r.firstError)
        ? { firstError: results.find((r) => r.firstError)!.firstError }
        : {}),
      joinSeconds,
      kibPerConnection: perJoined(rss - rssBefore),
      settledKibPerConnection: perJoined(settledRss - rssBefore),
      heapKibPerConnection: Number.isFinite(heap - heapBefore)
        ? perJoined(heap - heapBefore)
        : null,
      rssMib: round(rss / 1024, 0),
      idleCpu: idle.mean,
      idlePeakCpu: idle.peak,
      broadcast,
    };
    context.log(
      `  ${run.name} ${connections}: ${alive} alive after settling; while joining clients received ${joinMibIn} MiB, cpu s servers ${joinCpuSeconds.servers} clients ${joinCpuSeconds.clients} redis ${joinCpuSeconds.redis}`,
    );
    context.log(
      `  ${run.name} ${connections}: ${step.kibPerConnection} KiB/conn (${step.settledKibPerConnection} after the idle period), heap ${step.heapKibPerConnection} KiB/conn, RSS ${step.rssMib} MiB, idle cpu ${idle.mean}% (peak ${idle.peak}%), broadcast p50 ${broadcast.p50Ms} p99 ${broadcast.p99Ms} ms lost ${broadcast.lost}`,
    );
    return step;
  } finally {
    await pool.close();
  }
}

/** Runs every step of the scale scenario. */
export async function scale(
  context: BenchContext,
  options: ScaleOptions,
): Promise<ScaleStep[]> {
  const steps: ScaleStep[] = [];
  const limit = openFileLimits().hard;
  for (const connections of options.steps) {
    for (const target of options.targets) {
      const server = await startServer(target, {
        placement: context.placement,
        cpuProfileDir: options.cpuProfileDir &&
          `${options.cpuProfileDir}/${target}-${connections}`,
        env: { CHAT_MAX_CONNECTIONS: String(Math.min(limit, 20_000)) },
      });
      try {
        steps.push(
          await measure(server, {
            context,
            options,
            name: target,
            connections,
            processes: 1,
            isolates: 1,
            addresses: false,
          }),
        );
      } finally {
        await server.stop();
      }
    }
  }
  if (options.processSteps.length === 0) return steps;
  const redis = await startRedis();
  try {
    for (const connections of options.processSteps) {
      await redisCommand(redis.port, "FLUSHALL");
      const server = await startServer("memory", {
        placement: context.placement,
        pin: false,
        // Unpinned on the same cores, the clients must never be what falls
        // behind: a client late reading a ping loses its socket to the idle
        // timeout, and its late reads count as the server's latency.
        nice: SERVER_NICE,
        isolates: options.processes,
        env: {
          CHAT_STORE: "redis",
          REDIS_URL: redis.url,
          CHAT_PROCESSES: String(options.processes),
          HOSTNAME: "0.0.0.0",
          CHAT_LOG_LEVEL: "warn",
        },
      });
      try {
        const step = await measure(server, {
          context,
          options,
          name: `redis×${options.processes}`,
          connections,
          processes: options.processes,
          isolates: options.processes,
          addresses: true,
          redisPid: redisPid(redis.port),
        });
        step.redisMib = round(rssOfPid(redisPid(redis.port)) / 1024, 0);
        steps.push(step);
      } finally {
        await server.stop();
      }
    }
  } finally {
    await redis.stop();
  }
  return steps;
}

async function redisCommand(port: number, command: string): Promise<void> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    await conn.write(new TextEncoder().encode(`${command}\r\n`));
    await conn.read(new Uint8Array(64));
  } finally {
    conn.close();
  }
}

function redisPid(port: number): number {
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    try {
      const cmdline = Deno.readTextFileSync(`/proc/${entry.name}/cmdline`);
      if (
        cmdline.includes("redis-server") &&
        (cmdline.includes(`:${port}`) || cmdline.includes(`\0${port}\0`))
      ) {
        return Number(entry.name);
      }
    } catch {
      // gone
    }
  }
  return 0;
}
