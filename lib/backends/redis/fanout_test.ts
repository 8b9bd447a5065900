import { redisSkipReason, startRedis } from "../../../tests/support/redis.ts";
import { connectRedis, type RedisClient } from "./client.ts";
import { testFanoutConformance } from "../../chat/fanout_conformance.ts";
import { RedisFanout } from "./fanout.ts";

const skip = redisSkipReason();
if (skip) console.warn(`redis fanout tests skipped: ${skip}`);

if (!skip) {
  const redis = await startRedis();
  const clients: RedisClient[] = [];
  let prefix = 0;
  testFanoutConformance("redis", async (count) => {
    const shared = `f${++prefix}:`;
    return await Promise.all(Array.from({ length: count }, async () => {
      const publisher = await connectRedis({ url: redis.url });
      clients.push(publisher);
      return RedisFanout.open({
        connect: { url: redis.url },
        publisher,
        prefix: shared,
      });
    }));
  });
  Deno.test({
    name: "redis fanout teardown",
    sanitizeResources: false,
    sanitizeOps: false,
    async fn() {
      for (const client of clients) await client.close();
      await redis.stop();
    },
  });
}
