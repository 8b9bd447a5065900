import assert from "node:assert/strict";
import { redisSkipReason, startRedis } from "../../../tests/support/redis.ts";
import { until } from "../../../tests/support/hostile.ts";
import { command } from "./client.ts";
import { RedisStore } from "./store.ts";

const skip = redisSkipReason();

/**
 * Runs `call` until the replica confirms in time: on a loaded machine even an
 * online replica can miss WAIT's second (the refusal itself is proven above).
 */
async function confirmed<T>(call: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 60_000;
  while (true) {
    try {
      return await call();
    } catch (error) {
      const late = /only 0 of 1/.test(String((error as Error)?.message));
      if (!late || Date.now() > deadline) throw error;
    }
  }
}

Deno.test({
  name:
    "CHAT_REDIS_WAIT_REPLICAS: refused until a replica has it, then the resend is stored once",
  ignore: Boolean(skip),
  async fn() {
    const primary = await startRedis();
    const store = await RedisStore.open({ url: primary.url, waitReplicas: 1 });
    let replica: Awaited<ReturnType<typeof startRedis>> | undefined;
    try {
      const input = {
        username: "ann",
        text: "hello",
        ts: 1,
        nonce: "n1",
        dedupeKey: "c:ann",
      };
      const started = Date.now();
      await assert.rejects(
        store.append("r", input),
        /only 0 of 1 Redis replicas confirmed/,
      );
      assert.ok(Date.now() - started >= 900, "WAIT had its full second");
      await assert.rejects(store.append("r", input), /only 0 of 1/);
      replica = await startRedis({ replicaOf: primary.port });
      await until(async () =>
        /slave0:.*state=online/.test(
          String(await command(store.client, ["INFO", "replication"])),
        ), { what: "the replica in sync" });
      const first = await confirmed(() => store.append("r", input));
      assert.equal(first.duplicate, true, "the refused one sat on the primary");
      const again = await confirmed(() => store.append("r", input));
      assert.equal(again.duplicate, true);
      assert.equal(again.message.id, first.message.id);
      const stored = await confirmed(() => store.before("r", { limit: 10 }));
      assert.deepEqual(stored.map((m) => m.text), ["hello"]);
    } finally {
      await store.close();
      await replica?.stop();
      await primary.stop();
    }
  },
});

Deno.test({
  name:
    "CHAT_REDIS_WAIT_REPLICAS: a duplicate found over another connection is confirmed only once its original is replicated",
  ignore: Boolean(skip),
  async fn() {
    const primary = await startRedis();
    const replica = await startRedis({ replicaOf: primary.port });
    // Two servers: the resend reaches the second, whose connection wrote
    // nothing (a bare WAIT there would count the frozen replica at once).
    // WAIT must still cover the original: Redis 7 waits for the offset of
    // the connection's last command, the dedupe script run after it.
    const first = await RedisStore.open({ url: primary.url, waitReplicas: 1 });
    const second = await RedisStore.open({ url: primary.url, waitReplicas: 1 });
    try {
      await until(async () =>
        /slave0:.*state=online/.test(
          String(await command(first.client, ["INFO", "replication"])),
        ), { what: "the replica in sync" });
      const input = {
        username: "ann",
        text: "hello",
        ts: 1,
        nonce: "n1",
        dedupeKey: "c:ann",
      };
      replica.freeze(true);
      await assert.rejects(first.append("r", input), /only 0 of 1/);
      await assert.rejects(
        second.append("r", input),
        /only 0 of 1/,
        "the original sits on the primary alone: the resend is refused too",
      );
      replica.freeze(false);
      const again = await confirmed(() => second.append("r", input));
      assert.equal(again.duplicate, true);
    } finally {
      replica.freeze(false);
      await Promise.all([first.close(), second.close()]);
      await replica.stop();
      await primary.stop();
    }
  },
});
