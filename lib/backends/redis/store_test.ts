import { redisSkipReason, startRedis } from "../../../tests/support/redis.ts";
import { testStoreConformance } from "../../store/conformance.ts";
import { RedisStore } from "./store.ts";
import { command } from "./client.ts";
import type { MessageStore } from "../../store/store.ts";

/** Every key of the store's prefix with its whole content, as JSON. */
async function dump(store: MessageStore, prefix: string): Promise<string> {
  const { client } = store as RedisStore;
  const keys = await command(client, ["KEYS", `${prefix}*`]) as string[];
  const contents = await Promise.all(keys.map(async (key) => {
    const type = await command(client, ["TYPE", key]);
    const read = type === "string"
      ? ["GET", key]
      : type === "hash"
      ? ["HGETALL", key]
      : type === "stream"
      ? ["XRANGE", key, "-", "+"]
      : ["DUMP", key];
    return [key, type, await command(client, read)];
  }));
  return JSON.stringify(contents);
}

const skip = redisSkipReason();
if (skip) console.warn(`redis store tests skipped: ${skip}`);

if (!skip) {
  const redis = await startRedis();
  let prefix = 0;
  testStoreConformance(
    "redis",
    (options) =>
      RedisStore.open({ ...options, url: redis.url, prefix: `t${++prefix}:` }),
    { dump: (store) => dump(store, `t${prefix}:`) },
  );
  Deno.test({
    name: "redis server teardown",
    sanitizeResources: false,
    sanitizeOps: false,
    fn: () => redis.stop(),
  });
}
