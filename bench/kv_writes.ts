/**
 * Durable append throughput of {@linkcode KvStore} on a temporary file, with
 * no server in between: `rooms × window` appenders, each keeping one append in
 * flight, for `ms` milliseconds; then one lone appender, one message at a time.
 *
 * ```sh
 * deno run -A bench/kv_writes.ts --rooms=50 --window=8 --ms=5000
 * ```
 *
 * `--help` lists the options.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { KvStore } from "../lib/backends/kv/store.ts";

/** Sizes of one run. */
export interface KvWritesOptions {
  rooms: number;
  /** Appends in flight per room. */
  window: number;
  /** Length of the loaded run, after the warm-up. */
  ms: number;
  warmupMs: number;
  /** Lone appends, one at a time, after the loaded run. */
  lone: number;
  /** Length of each message text. */
  textBytes: number;
  /** Give every message a nonce (the de-dup path). */
  nonces: boolean;
  /** Store handles on the same file, sharing the appenders. */
  handles: number;
}

/** Figures of one run; latencies in milliseconds. */
export interface KvWritesResult {
  perSecond: number;
  messages: number;
  failed: number;
  ackP50: number;
  ackP99: number;
  loneP50: number;
  loneP99: number;
}

const DEFAULTS: KvWritesOptions = {
  rooms: 50,
  window: 8,
  ms: 5000,
  warmupMs: 500,
  lone: 200,
  textBytes: 100,
  nonces: false,
  handles: 1,
};

const HELP = `deno run -A bench/kv_writes.ts [options]

  --rooms=N        rooms (default ${DEFAULTS.rooms})
  --window=N       appends in flight per room (default ${DEFAULTS.window})
  --ms=N           loaded run in ms, after the warm-up (default ${DEFAULTS.ms})
  --warmup-ms=N    warm-up in ms, not counted (default ${DEFAULTS.warmupMs})
  --lone=N         lone appends afterwards (default ${DEFAULTS.lone})
  --text-bytes=N   message text length (default ${DEFAULTS.textBytes})
  --nonces         every message carries a nonce
  --handles=N      KvStore handles on the one file (default ${DEFAULTS.handles})
`;

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.floor(sorted.length * p));
  return Math.round(sorted[index] * 100) / 100;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Runs the loaded and the lone phase against a fresh file. */
export async function runKvWrites(
  options: KvWritesOptions,
): Promise<KvWritesResult> {
  const dir = await Deno.makeTempDir({ prefix: "kv-writes-" });
  const stores = await Promise.all(
    Array.from(
      { length: options.handles },
      () => KvStore.open({ path: `${dir}/chat.kv` }),
    ),
  );
  try {
    const text = "x".repeat(options.textBytes);
    let next = 0;
    const append = (store: KvStore, room: string) => {
      const n = next++;
      return store.append(room, {
        username: "bench",
        text,
        ts: Date.now(),
        ...(options.nonces ? { nonce: `n${n}`, dedupeKey: "bench" } : {}),
      });
    };
    const latencies: number[] = [];
    let failed = 0;
    const started = performance.now();
    const measureFrom = started + options.warmupMs;
    const end = measureFrom + options.ms;
    const appender = async (index: number) => {
      const store = stores[index % stores.length];
      const room = `room-${index % options.rooms}`;
      while (performance.now() < end) {
        const t0 = performance.now();
        try {
          await append(store, room);
        } catch {
          failed++;
          continue;
        }
        if (t0 >= measureFrom) latencies.push(performance.now() - t0);
      }
    };
    await Promise.all(
      Array.from(
        { length: options.rooms * options.window },
        (_, i) => appender(i),
      ),
    );
    const elapsed = performance.now() - measureFrom;
    latencies.sort((a, b) => a - b);
    await sleep(50);
    const lone: number[] = [];
    for (let i = 0; i < options.lone; i++) {
      const t0 = performance.now();
      await append(stores[0], "lone");
      lone.push(performance.now() - t0);
      await sleep(2);
    }
    lone.sort((a, b) => a - b);
    return {
      perSecond: Math.round(latencies.length / (elapsed / 1000)),
      messages: latencies.length,
      failed,
      ackP50: percentile(latencies, 0.5),
      ackP99: percentile(latencies, 0.99),
      loneP50: percentile(lone, 0.5),
      loneP99: percentile(lone, 0.99),
    };
  } finally {
    for (const store of stores) await store.close();
    await Deno.remove(dir, { recursive: true });
  }
}

function parseOptions(args: string[]): KvWritesOptions | undefined {
  const { values } = parseArgs({
    args,
    options: {
      help: { type: "boolean" },
      rooms: { type: "string" },
      window: { type: "string" },
      ms: { type: "string" },
      "warmup-ms": { type: "string" },
      lone: { type: "string" },
      "text-bytes": { type: "string" },
      nonces: { type: "boolean" },
      handles: { type: "string" },
    },
  });
  if (values.help) return undefined;
  const count = (value: string | undefined, fallback: number) => {
    if (value === undefined) return fallback;
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0) throw new Error(`not a count: ${value}`);
    return n;
  };
  return {
    rooms: Math.max(1, count(values.rooms, DEFAULTS.rooms)),
    window: Math.max(1, count(values.window, DEFAULTS.window)),
    ms: count(values.ms, DEFAULTS.ms),
    warmupMs: count(values["warmup-ms"], DEFAULTS.warmupMs),
    lone: count(values.lone, DEFAULTS.lone),
    textBytes: count(values["text-bytes"], DEFAULTS.textBytes),
    nonces: values.nonces ?? false,
    handles: Math.max(1, count(values.handles, DEFAULTS.handles)),
  };
}

if (import.meta.main) {
  const options = parseOptions(Deno.args);
  if (!options) {
    console.log(HELP);
  } else {
    const r = await runKvWrites(options);
    console.log(
      `kv writes: ${options.rooms} rooms × ${options.window} in flight, ` +
        `${options.textBytes} B texts${options.nonces ? ", nonces" : ""}, ` +
        `${options.handles} handle(s), ${options.ms} ms`,
    );
    console.log(
      `  ${r.perSecond} msg/s (${r.messages} acked, ${r.failed} failed); ` +
        `ack p50 ${r.ackP50} ms, p99 ${r.ackP99} ms`,
    );
    console.log(
      `  lone append (${options.lone}): p50 ${r.loneP50} ms, p99 ${r.loneP99} ms`,
    );
  }
}
