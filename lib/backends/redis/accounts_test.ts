import { redisSkipReason, startRedis } from "../../../tests/support/redis.ts";
import { connectRedis } from "./client.ts";
import { testAccountStoreConformance } from "../../people/accounts_conformance.ts";
import { RedisAccounts } from "./accounts.ts";

const skip = redisSkipReason();
if (skip) console.warn(`redis account tests skipped: ${skip}`);

if (!skip) {
  const redis = await startRedis();
  const client = await connectRedis({ url: redis.url });
  let prefix = 0;
  testAccountStoreConformance(
    "redis",
    () =>
      Promise.resolve(new RedisAccounts(client, { prefix: `t${++prefix}:` })),
  );
  Deno.test({
    name: "redis server teardown",
    async fn() {
      await client.close();
      await redis.stop();
    },
  });
}
