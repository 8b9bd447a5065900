/** The bench's scenarios: each starts a fresh server and fresh load clients, measures, and stops them. */
import { ClientPool } from "./client_pool.ts";
import type { SocketSpec, StepStats } from "./client_protocol.ts";
import { CpuMeter, OtherLoadMeter, type Placement } from "./process.ts";
import { type BenchServer, startServer, type Target } from "./servers.ts";
import { Histogram } from "./stats.ts";

/** Sizes and durations of every scenario (the CLI options). */
export interface BenchOptions {
  /** Receiver processes (the fan-out sender gets one more). */
  clients: number;
  /** Sockets of the load clients: bench/raw_socket.ts or Deno's WebSocket. */
  wsClient: "raw" | "standard";
  /** Times a step failing on latency alone is run again before it counts as failed (noise). */
  retries: number;
  subscribers: number;
  /** Length of one step of the fan-out ceiling search. */
  stepMs: number;
  /** First send rate tried (messages/s); doubled until a step fails, then bisected. */
  startRate: number;
  /** Bisections after the first failing rate. */
  bisections: number;
  /** Highest rate tried. */
  maxRate: number;
  /** Fan-out rate for p50/p99 (messages/s); half the reference's ceiling when absent. */
  fixedRate?: number;
  fixedMs: number;
  /** p99 a step must stay under to pass (ms). */
  p99LimitMs: number;
  rooms: number;
  roomSize: number;
  roomsMs: number;
  idle: number;
  idleRooms: number;
  storm: number;
  stormRooms: number;
  durableRooms: number;
  durableWindow: number;
  durableMs: number;
  /** Pause for the server to settle (memory, queues) before measuring. */
  settleMs: number;
  /** `CHAT_BATCH_FLUSH_MS` for the project server. */
  batchFlushMs?: number;
}

/** What every scenario needs. */
export interface BenchContext {
  options: BenchOptions;
  placement: Placement;
  /** Progress lines (stderr). */
  log(line: string): void;
}

/** The figures of one measured step. */
export interface StepSummary {
  /** Requested send rate (messages/s in all), or 0 for a closed loop. */
  rate: number;
  durationMs: number;
  sent: number;
  /** Messages sent per second, as achieved. */
  sentPerSecond: number;
  /** Own messages acknowledged per second while sending. */
  ackedPerSecond: number;
  deliveriesPerSecond: number;
  expected: number;
  received: number;
  lost: number;
  duplicates: number;
  errors: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  ackP50Ms: number;
  ackP99Ms: number;
  /** CPU of the server while sending, % of one core. */
  serverCpu: number;
  /** CPU of all load clients together while sending, % of one core. */
  clientCpu: number;
  /** CPU of every other process on the machine while sending, % of one core (noise). */
  otherCpu: number;
  firstError?: string;
}

/** One step of the ceiling search. */
export interface SearchStep {
  rate: number;
  pass: boolean;
  p99Ms: number;
  lost: number;
  serverCpu: number;
  clientCpu: number;
  otherCpu: number;
  /** Runs of this rate (retries after a failure). */
  attempts: number;
}

/** Fan-out: the ceiling found and the step at the fixed rate. */
export interface FanoutResult {
  /** Highest rate (messages/s) that passed; 0 when none did. */
  ceiling: number;
  /** The passing step at the ceiling. */
  atCeiling?: StepSummary;
  /** Every step of the search, in order. */
  search: SearchStep[];
  fixed?: StepSummary;
  /** Time to join every subscriber (s). */
  joinSeconds: number;
}

/** Idle connections: server memory. */
export interface IdleResult {
  connections: number;
  rssBeforeKib: number;
  rssAfterKib: number;
  kibPerConnection: number;
  failed: number;
}

/** Join storm: time until everyone is welcomed. */
export interface StormResult {
  clients: number;
  seconds: number;
  failed: number;
  serverCpu: number;
  clientCpu: number;
}

/** Durable writes: acknowledged messages per second, and a lone message's latency. */
export interface DurableResult {
  load: StepSummary;
  lone: StepSummary;
}

let stepCounter = 0;

/** Other processes' CPU (% of a core) above which a failed step is blamed on noise and run again. */
const NOISY_CPU = 20;

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** `value` rounded to `digits` decimals. */
export function round(value: number, digits = 2): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

function spread<T>(items: T[], parts: number): T[][] {
  const out: T[][] = Array.from({ length: parts }, () => []);
  items.forEach((item, i) => out[i % parts].push(item));
  return out;
}

function roomSockets(
  options: { prefix: string; rooms: number; size: number },
): SocketSpec[][] {
  return Array.from(
    { length: options.rooms },
    (_, r) =>
      Array.from({ length: options.size }, (_, i) => ({
        room: `${options.prefix}${r}`,
        username: `u${i}`,
        roomSize: options.size,
      })),
  );
}

async function withSetup<T>(
  target: Target,
  setup: {
    context: BenchContext;
    clients: number;
    batchFlushMs?: number;
    cpuProfileDir?: string;
  },
  body: (server: BenchServer, pool: ClientPool) => Promise<T>,
): Promise<T> {
  const server = await startServer(target, {
    placement: setup.context.placement,
    batchFlushMs: setup.batchFlushMs,
    cpuProfileDir: setup.cpuProfileDir,
  });
  const pool = new ClientPool(setup.clients, {
    placement: setup.context.placement,
    kind: setup.context.options.wsClient,
  });
  try {
    return await body(server, pool);
  } finally {
    await pool.close();
    await server.stop();
  }
}

function summarise(
  stats: StepStats[],
  extra: {
    rate: number;
    durationMs: number;
    serverCpu: number;
    clientCpu: number;
    otherCpu: number;
    ackedAtEnd: number;
  },
): StepSummary {
  const latency = new Histogram();
  const ack = new Histogram();
  let sent = 0, expected = 0, received = 0, duplicates = 0, errors = 0;
  let firstError: string | undefined;
  for (const s of stats) {
    latency.merge(new Histogram(s.latency));
    ack.merge(new Histogram(s.ack));
    sent += s.sent;
    expected += s.expected;
    received += s.received;
    duplicates += s.duplicates;
    errors += s.errors + s.closed;
    firstError ??= s.firstError;
  }
  const seconds = extra.durationMs / 1000;
  return {
    rate: extra.rate,
    durationMs: extra.durationMs,
    sent,
    sentPerSecond: round(sent / seconds, 1),
    ackedPerSecond: round(extra.ackedAtEnd / seconds, 1),
    deliveriesPerSecond: Math.round(received / seconds),
    expected,
    received,
    lost: Math.max(0, expected - received + duplicates),
    duplicates,
    errors,
    p50Ms: round(latency.quantile(0.5)),
    p99Ms: round(latency.quantile(0.99)),
    maxMs: round(latency.max),
    ackP50Ms: round(ack.quantile(0.5)),
    ackP99Ms: round(ack.quantile(0.99)),
    serverCpu: extra.serverCpu,
    clientCpu: extra.clientCpu,
    otherCpu: extra.otherCpu,
    ...(firstError ? { firstError } : {}),
  };
}

/** Who sends in a step: `senders` sockets of client `index`, at `rate` each or with a `window`. */
interface SenderPlan {
  index: number;
  senders: number;
  rate: number;
  window?: number;
}

/** Sends as `plan` says, then waits for the deliveries to arrive (or stop coming) and sums them up. */
export async function runStep(
  server: BenchServer,
  pool: ClientPool,
  plan: {
    senders: SenderPlan[];
    durationMs: number;
    totalRate: number;
    /** Members that joined, for rooms where some never did (`SendCommand.roomSizes`). */
    roomSizes?: Record<string, number>;
  },
): Promise<StepSummary> {
  const step = ++stepCounter;
  const startAt = Date.now() + 150;
  let senderBase = 1;
  const sends = plan.senders.map((sender) => {
    const base = senderBase;
    senderBase += sender.senders;
    return pool.clients[sender.index].send({
      step,
      senderBase: base,
      senders: sender.senders,
      rate: sender.rate,
      window: sender.window,
      durationMs: plan.durationMs,
      startAt,
      ...(plan.roomSizes ? { roomSizes: plan.roomSizes } : {}),
    });
  });
  await sleep(startAt - Date.now());
  const serverPids = server.pids();
  const serverMeter = new CpuMeter(serverPids);
  const clientMeter = new CpuMeter(pool.pids);
  const otherMeter = new OtherLoadMeter([
    ...serverPids,
    ...pool.pids,
    Deno.pid,
  ]);
  await Promise.all(sends);
  const serverCpu = serverMeter.percent();
  const clientCpu = clientMeter.percent();
  const otherCpu = otherMeter.percent();
  const ackedAtEnd = (await pool.stats(step)).reduce(
    (sum, s) => sum + s.acked,
    0,
  );
  let stats = await pool.stats(step);
  let lastReceived = -1;
  let lastProgress = Date.now();
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const received = stats.reduce((sum, s) => sum + s.received, 0);
    const expected = stats.reduce((sum, s) => sum + s.expected, 0);
    if (received >= expected) break;
    if (received !== lastReceived) {
      lastReceived = received;
      lastProgress = Date.now();
    } else if (Date.now() - lastProgress > 2_000) break;
    await sleep(100);
    stats = await pool.stats(step);
  }
  return summarise(stats, {
    rate: plan.totalRate,
    durationMs: plan.durationMs,
    serverCpu,
    clientCpu,
    otherCpu,
    ackedAtEnd,
  });
}

function passes(summary: StepSummary, context: BenchContext): boolean {
  return summary.lost === 0 && summary.duplicates === 0 &&
    summary.errors === 0 && summary.p99Ms < context.options.p99LimitMs &&
    summary.sentPerSecond >= 0.95 * summary.rate;
}

/** Options of {@linkcode fanout}. */
export interface FanoutOptions {
  batch: boolean;
  /** Skip the ceiling search and only run the fixed rate. */
  fixedOnly?: boolean;
  /** Rate of the fixed step (messages/s), or how to derive it from the ceiling found; none when absent. */
  fixedRate?: number | ((ceiling: number) => number);
  /** Runs the server with `--cpu-prof` writing into this folder. */
  cpuProfileDir?: string;
}

/** One room, `subscribers` receivers and one sender: the ceiling search, then the fixed rate. */
export function fanout(
  target: Target,
  run: { context: BenchContext; fanout: FanoutOptions },
): Promise<FanoutResult> {
  const { context, fanout: how } = run;
  const { options } = context;
  const receivers = options.clients;
  return withSetup(target, {
    context,
    clients: receivers + 1,
    batchFlushMs: options.batchFlushMs,
    cpuProfileDir: how.cpuProfileDir,
  }, async (server, pool) => {
    const size = options.subscribers + 1;
    const subscribers = Array.from(
      { length: options.subscribers },
      (_, i) => ({ room: "fanout", username: `s${i}`, roomSize: size }),
    );
    const sockets = spread(subscribers, receivers);
    sockets.push([{ room: "fanout", username: "sender", roomSize: size }]);
    const began = performance.now();
    const open = await pool.open(sockets.slice(0, receivers), {
      url: server.url,
      batch: how.batch,
      concurrency: 50,
    });
    const openSender = await pool.clients[receivers].open({
      url: server.url,
      sockets: sockets[receivers],
      batch: how.batch,
      concurrency: 1,
    });
    const joinSeconds = round((performance.now() - began) / 1000);
    if (open.failed + openSender.failed > 0) {
      throw new Error(
        `fan-out: ${open.failed} joins failed: ${
          open.firstError ?? openSender.firstError
        }`,
      );
    }
    await sleep(options.settleMs);
    const sender = receivers;
    const at = (rate: number, durationMs: number) =>
      runStep(server, pool, {
        senders: [{ index: sender, senders: 1, rate }],
        durationMs,
        totalRate: rate,
      });
    await at(options.startRate, Math.min(1000, options.stepMs));
    const result: FanoutResult = { ceiling: 0, search: [], joinSeconds };
    const tryRate = async (rate: number): Promise<boolean> => {
      let summary = await at(rate, options.stepMs);
      let pass = passes(summary, context);
      let attempts = 1;
      const again = () =>
        !pass && summary.lost === 0 &&
        (attempts <= options.retries ||
          (summary.otherCpu > NOISY_CPU && attempts <= options.retries + 1));
      while (again()) {
        context.log(
          `  ${target} ${rate} msg/s: p99 ${summary.p99Ms} ms (other load ${summary.otherCpu}%), again`,
        );
        await sleep(options.settleMs);
        summary = await at(rate, options.stepMs);
        pass = passes(summary, context);
        attempts++;
      }
      result.search.push({
        rate,
        pass,
        p99Ms: summary.p99Ms,
        lost: summary.lost,
        serverCpu: summary.serverCpu,
        clientCpu: summary.clientCpu,
        otherCpu: summary.otherCpu,
        attempts,
      });
      context.log(
        `  ${target}${how.batch ? "+batch" : ""} fan-out ${rate} msg/s: ${
          pass ? "pass" : "FAIL"
        } p99 ${summary.p99Ms} ms, lost ${summary.lost}, sent ${summary.sentPerSecond}/s, cpu server ${summary.serverCpu}% clients ${summary.clientCpu}% other ${summary.otherCpu}%`,
      );
      if (pass && rate > result.ceiling) {
        result.ceiling = rate;
        result.atCeiling = summary;
      }
      await sleep(options.settleMs / 5);
      return pass;
    };
    if (!how.fixedOnly) {
      let low = 0;
      let high: number | undefined;
      let rate = options.startRate;
      while (high === undefined && rate <= options.maxRate) {
        if (await tryRate(rate)) {
          low = rate;
          rate *= 2;
        } else high = rate;
      }
      for (let i = 0; high !== undefined && i < options.bisections; i++) {
        const mid = Math.round((low + high) / 2);
        if (mid <= low || mid >= high) break;
        if (await tryRate(mid)) low = mid;
        else high = mid;
      }
    }
    const fixedRate = typeof how.fixedRate === "function"
      ? how.fixedRate(result.ceiling)
      : how.fixedRate;
    if (fixedRate) {
      result.fixed = await at(fixedRate, options.fixedMs);
      context.log(
        `  ${target}${
          how.batch ? "+batch" : ""
        } fixed ${fixedRate} msg/s: p50 ${result.fixed.p50Ms} ms p99 ${result.fixed.p99Ms} ms lost ${result.fixed.lost}`,
      );
    }
    return result;
  });
}

/** `rooms` rooms of `roomSize` people, each sending once a second. */
export function manyRooms(
  target: Target,
  context: BenchContext,
): Promise<StepSummary> {
  const { options } = context;
  return withSetup(
    target,
    { context, clients: options.clients },
    async (server, pool) => {
      const rooms = roomSockets({
        prefix: "many-",
        rooms: options.rooms,
        size: options.roomSize,
      });
      const sockets = spread(rooms, options.clients).map((list) => list.flat());
      const open = await pool.open(sockets, {
        url: server.url,
        batch: false,
        concurrency: 50,
      });
      if (open.failed > 0) {
        throw new Error(`many rooms: ${open.failed} joins failed`);
      }
      await sleep(options.settleMs / 5);
      const summary = await runStep(server, pool, {
        senders: sockets.map((list, index) => ({
          index,
          senders: list.length,
          rate: 1,
        })),
        durationMs: options.roomsMs,
        totalRate: options.rooms * options.roomSize,
      });
      context.log(
        `  ${target} many rooms: ${summary.deliveriesPerSecond} deliveries/s p50 ${summary.p50Ms} p99 ${summary.p99Ms} ms lost ${summary.lost}`,
      );
      return summary;
    },
  );
}

/** `idle` joined connections over `idleRooms` rooms: server memory per connection. */
export function idle(
  target: Target,
  context: BenchContext,
): Promise<IdleResult> {
  const { options } = context;
  return withSetup(
    target,
    { context, clients: options.clients },
    async (server, pool) => {
      const warm = await pool.open(
        spread(
          roomSockets({ prefix: "warm-", rooms: 10, size: 10 }).flat(),
          options.clients,
        ),
        { url: server.url, batch: false, concurrency: 20 },
      );
      await sleep(options.settleMs);
      const before = server.rss();
      const rooms = roomSockets({
        prefix: "idle-",
        rooms: options.idleRooms,
        size: Math.ceil(options.idle / options.idleRooms),
      }).flat().slice(0, options.idle);
      const open = await pool.open(spread(rooms, options.clients), {
        url: server.url,
        batch: false,
        concurrency: 100,
      });
      await sleep(options.settleMs);
      const after = server.rss();
      const result = {
        connections: open.opened,
        rssBeforeKib: before,
        rssAfterKib: after,
        kibPerConnection: round((after - before) / Math.max(1, open.opened), 1),
        failed: open.failed + warm.failed,
      };
      context.log(
        `  ${target} idle: ${result.connections} connections, ${result.kibPerConnection} KiB each (${before} → ${after} KiB)`,
      );
      return result;
    },
  );
}

/** `storm` clients connect and join at the same moment: time until the last welcome. */
export function joinStorm(
  target: Target,
  context: BenchContext,
): Promise<StormResult> {
  const { options } = context;
  return withSetup(
    target,
    { context, clients: options.clients },
    async (server, pool) => {
      await pool.open(
        spread(
          roomSockets({ prefix: "warm-", rooms: 2, size: 5 }).flat(),
          options.clients,
        ),
        { url: server.url, batch: false, concurrency: 5 },
      );
      await sleep(options.settleMs / 3);
      const sockets = roomSockets({
        prefix: "storm-",
        rooms: options.stormRooms,
        size: Math.ceil(options.storm / options.stormRooms),
      }).flat().slice(0, options.storm);
      const startAt = Date.now() + 200;
      const opening = pool.open(spread(sockets, options.clients), {
        url: server.url,
        batch: false,
        concurrency: options.storm,
        startAt,
      });
      await sleep(startAt - Date.now());
      const serverMeter = new CpuMeter([server.pid]);
      const clientMeter = new CpuMeter(pool.pids);
      const open = await opening;
      const result = {
        clients: open.opened,
        seconds: round((open.lastWelcomeAt - startAt) / 1000, 3),
        failed: open.failed,
        serverCpu: serverMeter.percent(),
        clientCpu: clientMeter.percent(),
      };
      context.log(
        `  ${target} join storm: ${result.clients} in ${result.seconds} s (${result.failed} failed)`,
      );
      return result;
    },
  );
}

/** Senders in separate rooms, each keeping `durableWindow` messages in flight; then one lone sender. `during` runs alongside the loaded step. */
export function durable(
  target: Target,
  context: BenchContext,
  extra: {
    during?(server: { url: string; rooms: string[] }): () => Promise<void>;
  } = {},
): Promise<DurableResult> {
  const { options } = context;
  return withSetup(
    target,
    { context, clients: options.clients },
    async (server, pool) => {
      const rooms = roomSockets({
        prefix: "durable-",
        rooms: options.durableRooms,
        size: 1,
      }).flat();
      const sockets = spread(rooms, options.clients);
      const open = await pool.open(sockets, {
        url: server.url,
        batch: false,
        concurrency: 50,
      });
      if (open.failed > 0) {
        throw new Error(`durable: ${open.failed} joins failed`);
      }
      const lone = await runStep(server, pool, {
        senders: [{ index: 0, senders: 1, rate: 0, window: 1 }],
        durationMs: Math.min(2000, options.durableMs / 2),
        totalRate: 0,
      });
      const stop = extra.during?.({
        url: server.url,
        rooms: rooms.map((r) => r.room),
      });
      const load = await runStep(server, pool, {
        senders: sockets.map((list, index) => ({
          index,
          senders: list.length,
          rate: 0,
          window: options.durableWindow,
        })),
        durationMs: options.durableMs,
        totalRate: 0,
      });
      await stop?.();
      context.log(
        `  ${target} durable: ${load.ackedPerSecond} acked msg/s (ack p50 ${load.ackP50Ms} p99 ${load.ackP99Ms} ms); lone ack p50 ${lone.ackP50Ms} ms`,
      );
      return { load, lone };
    },
  );
}
