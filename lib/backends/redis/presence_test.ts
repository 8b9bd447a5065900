import assert from "node:assert/strict";
import { redisSkipReason, startRedis } from "../../../tests/support/redis.ts";
import { connectRedis, type RedisClient } from "./client.ts";
import { testPresenceConformance } from "../../chat/presence_conformance.ts";
import { RedisPresence } from "./presence.ts";
import { within } from "../../../tests/support/within.ts";
import { FakeClock } from "../../fake_clock.ts";

const skip = redisSkipReason();
if (skip) console.warn(`redis presence tests skipped: ${skip}`);

if (!skip) {
  const redis = await startRedis();
  const clients: RedisClient[] = [];
  let prefix = 0;
  const open = async (
    count: number,
    extra: { ttlMs?: number; clock?: FakeClock } = {},
  ) => {
    const client = await connectRedis({ url: redis.url });
    clients.push(client);
    const shared = `p${++prefix}:`;
    return Array.from(
      { length: count },
      () => new RedisPresence({ client, prefix: shared, ...extra }),
    );
  };
  testPresenceConformance("redis", (count) => open(count));

  Deno.test({
    name:
      "redis presence: servers share names; a dead server's people are reaped and announced",
    sanitizeResources: false,
    sanitizeOps: false,
    async fn() {
      const expired: [string, string[]][] = [];
      const announced = Promise.withResolvers<void>();
      const clock = new FakeClock();
      const [a] = await open(1, { ttlMs: 300, clock });
      const client = clients.at(-1)!;
      const b = new RedisPresence({
        client,
        prefix: `p${prefix}:`,
        ttlMs: 300,
        clock,
        onExpired: (room, names) => {
          expired.push([room, names]);
          announced.resolve();
        },
      });
      assert.equal(
        await a.claim("r", {
          username: "Ann",
          canonical: "ann",
          clientId: "x",
        }),
        "first",
      );
      assert.equal(
        await b.claim("r", {
          username: "ANN",
          canonical: "ann",
          clientId: "y",
        }),
        "taken",
      );
      assert.equal(
        await b.claim("r", {
          username: "Ann",
          canonical: "ann",
          clientId: "x",
        }),
        "again",
      );
      assert.equal(
        await b.claim("r", { username: "bob", canonical: "bob" }),
        "first",
      );
      assert.deepEqual(await a.members("r"), ["Ann", "bob"]);
      assert.equal(await a.release("r", "ann"), false, "b still holds ann");
      assert.equal(await b.release("r", "ann"), true);
      await a.claim("r", { username: "Cy", canonical: "cy" });
      await a.close();
      assert.deepEqual(
        await b.members("r"),
        ["bob"],
        "a's names vanish with a",
      );
      assert.deepEqual(await b.rooms(), [{ room: "r", online: 1 }]);
      assert.deepEqual(expired, [], "no heartbeat before the clock moves");
      clock.tick(100);
      await within(announced.promise, {
        what: "the dead server's people announced",
      });
      assert.deepEqual(expired, [["r", ["Cy"]]]);
      await b.close();
    },
  });

  Deno.test({
    name: "redis presence teardown",
    sanitizeResources: false,
    sanitizeOps: false,
    async fn() {
      for (const client of clients) await client.close();
      await redis.stop();
    },
  });
}
