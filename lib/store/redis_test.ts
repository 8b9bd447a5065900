import { redisSkipReason, startRedis } from "../../tests/support/redis.ts";
import { testStoreConformance } from "./conformance.ts";
import { RedisStore } from "./redis.ts";

const skip = redisSkipReason();
if (skip) console.warn(`redis store tests skipped: ${skip}`);

if (!skip) {
  const redis = await startRedis();
  let prefix = 0;
  testStoreConformance(
    "redis",
    (options) =>
      RedisStore.open({ ...options, url: redis.url, prefix: `t${++prefix}:` }),
  );
  Deno.test({
    name: "redis server teardown",
    sanitizeResources: false,
    sanitizeOps: false,
    fn: () => redis.stop(),
  });
}
