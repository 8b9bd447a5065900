/**
 * The Redis message store alone, from one process: appends per second and
 * their latency on one Redis, on a 3-primary cluster, and on the cluster with
 * `WAIT 1` (CHAT_REDIS_WAIT_REPLICAS=1). Many rooms, `window` appends in
 * flight per room.
 *
 *   deno run -A bench/redis_cluster_store.ts [--rooms=60] [--window=4] [--ms=3000]
 */
import { RedisStore } from "../lib/backends/redis/store.ts";
import { startRedis } from "../tests/support/redis.ts";
import { startRedisCluster } from "../tests/support/redis_cluster.ts";

function option(name: string, fallback: number): number {
  const arg = Deno.args.find((a) => a.startsWith(`--${name}=`));
  return arg ? Number(arg.slice(name.length + 3)) : fallback;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
}

async function measure(
  store: RedisStore,
  options: { rooms: number; window: number; ms: number },
) {
  const latencies: number[] = [];
  const end = performance.now() + options.ms;
  let n = 0;
  const lane = async (room: string) => {
    while (performance.now() < end) {
      const start = performance.now();
      await store.append(room, {
        username: "bench",
        text: "hello there",
        ts: Date.now(),
        nonce: `n${++n}`,
        dedupeKey: "c:bench",
      });
      latencies.push(performance.now() - start);
    }
  };
  const lanes = [];
  for (let r = 0; r < options.rooms; r++) {
    for (let w = 0; w < options.window; w++) lanes.push(lane(`bench-${r}`));
  }
  await Promise.all(lanes);
  latencies.sort((a, b) => a - b);
  return {
    appendsPerSecond: Math.round(latencies.length / (options.ms / 1000)),
    p50Ms: Number(percentile(latencies, 0.5).toFixed(2)),
    p99Ms: Number(percentile(latencies, 0.99).toFixed(2)),
  };
}

if (import.meta.main) {
  const options = {
    rooms: option("rooms", 60),
    window: option("window", 4),
    ms: option("ms", 3000),
  };
  const redis = await startRedis();
  const cluster = await startRedisCluster();
  const clusterNodes = cluster.seeds.split(",");
  try {
    const shapes: [string, RedisStore][] = [
      ["one redis", await RedisStore.open({ url: redis.url })],
      ["cluster 3+3", await RedisStore.open({ clusterNodes })],
      [
        "cluster 3+3, WAIT 1",
        await RedisStore.open({ clusterNodes, waitReplicas: 1 }),
      ],
    ];
    for (const [name, store] of shapes) {
      console.log(name, JSON.stringify(await measure(store, options)));
      await store.close();
    }
  } finally {
    await cluster.stop();
    await redis.stop();
  }
}
