import { redisSkipReason, startRedis } from "../../../tests/support/redis.ts";
import { connectRedis, type RedisClient } from "./client.ts";
import { testFanoutConformance } from "../../chat/fanout_conformance.ts";
import assert from "node:assert/strict";
import { foreignEvent, RedisFanout } from "./fanout.ts";

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
    async fn() {
      for (const client of clients) await client.close();
      await redis.stop();
    },
  });
}

Deno.test("redis fanout: a message names its origin before the event; its own is skipped unread, an older server's read", () => {
  const event = { type: "typing", username: "ann" } as const;
  const line = `o1 ${JSON.stringify(event)}`;
  assert.deepEqual(foreignEvent(line, "o2"), event);
  assert.equal(foreignEvent(line, "o1"), undefined);
  assert.equal(foreignEvent("o1 {not json", "o1"), undefined);
  assert.throws(() => foreignEvent("o1 {not json", "o2"));
  const older = JSON.stringify(["o1", event]);
  assert.deepEqual(foreignEvent(older, "o2"), event);
  assert.equal(foreignEvent(older, "o1"), undefined);
});
