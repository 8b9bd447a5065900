/**
 * Two server processes sharing one Redis: senders on one process, readers of
 * the same rooms on the other. Prints the messages per second stored and
 * delivered across processes, with delivery latency.
 *
 *   deno run -A bench/redis_pair.ts [--rooms=20] [--window=8] [--ms=5000]
 */
import { startRedis } from "../tests/support/redis.ts";
import { startServer } from "../tests/support/server.ts";
import { joined, type TestClient } from "../tests/support/ws_client.ts";

/** Figures of one run. */
export interface PairResult {
  rooms: number;
  window: number;
  seconds: number;
  storedPerSecond: number;
  crossDeliveredPerSecond: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
}

function option(name: string, fallback: number): number {
  const arg = Deno.args.find((a) => a.startsWith(`--${name}=`));
  return arg ? Number(arg.slice(name.length + 3)) : fallback;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
}

/** Runs senders on one process and readers on the other for `ms`. */
export async function measurePair(
  options: { rooms: number; window: number; ms: number },
): Promise<PairResult> {
  const redis = await startRedis();
  const env = {
    CHAT_STORE: "redis",
    REDIS_URL: redis.url,
    CHAT_RATE_LIMIT: "off",
    CHAT_LOG_LEVEL: "warn",
  };
  const [a, b] = await Promise.all([
    startServer({ env }),
    startServer({ env }),
  ]);
  const clients: TestClient[] = [];
  try {
    const latencies: number[] = [];
    let stored = 0;
    let delivered = 0;
    let running = true;
    const senders: Promise<void>[] = [];
    for (let r = 0; r < options.rooms; r++) {
      const room = `pair-${r}`;
      const reader = await joined(b, { room, username: "reader" });
      const sender = await joined(a, { room, username: "sender" });
      clients.push(reader, sender);
      reader.socket.addEventListener("message", (e) => {
        const frame = JSON.parse(e.data);
        if (frame.type !== "message") return;
        delivered++;
        latencies.push(Date.now() - Number(frame.text));
      });
      let inFlight = 0;
      let wake: () => void = () => {};
      sender.socket.addEventListener("message", (e) => {
        if (JSON.parse(e.data).type !== "message") return;
        stored++;
        inFlight--;
        wake();
      });
      senders.push((async () => {
        while (running) {
          while (inFlight < options.window && running) {
            inFlight++;
            sender.send({ type: "message", text: String(Date.now()) });
          }
          await new Promise<void>((resolve) => wake = resolve);
        }
      })());
    }
    const started = performance.now();
    await new Promise((r) => setTimeout(r, options.ms));
    running = false;
    const seconds = (performance.now() - started) / 1000;
    const storedPerSecond = stored / seconds;
    const crossDeliveredPerSecond = delivered / seconds;
    latencies.sort((x, y) => x - y);
    return {
      rooms: options.rooms,
      window: options.window,
      seconds,
      storedPerSecond,
      crossDeliveredPerSecond,
      latencyP50Ms: percentile(latencies, 0.5),
      latencyP99Ms: percentile(latencies, 0.99),
    };
  } finally {
    for (const client of clients) client.socket.close();
    await Promise.all([a.stop(), b.stop()]);
    await redis.stop();
  }
}

if (import.meta.main) {
  const result = await measurePair({
    rooms: option("rooms", 20),
    window: option("window", 8),
    ms: option("ms", 5000),
  });
  console.log(
    `redis pair: ${result.rooms} rooms × ${result.window} in flight for ` +
      `${result.seconds.toFixed(1)} s: stored ${
        Math.round(result.storedPerSecond)
      } msg/s, delivered on the other process ${
        Math.round(result.crossDeliveredPerSecond)
      } msg/s, latency p50 ${result.latencyP50Ms} ms p99 ${result.latencyP99Ms} ms`,
  );
  Deno.exit(0);
}
