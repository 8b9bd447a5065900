import assert from "node:assert/strict";
import { redisSkipReason, startRedis } from "../../../tests/support/redis.ts";
import { connectRedis, type RedisClient } from "./client.ts";
import { testPresenceConformance } from "../../chat/presence_conformance.ts";
import { FULL_REAP_EVERY, RedisPresence } from "./presence.ts";
import { command } from "./client.ts";
import { until } from "../../../tests/support/hostile.ts";
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
    name:
      "redis presence: a name held only by a server no longer listed is reaped by a full beat",
    async fn() {
      const gone = Promise.withResolvers<[string, string[]]>();
      const client = await connectRedis({ url: redis.url });
      clients.push(client);
      const a = new RedisPresence({
        client,
        prefix: "ghost:",
        ttlMs: 150,
        onExpired: (room, names) => gone.resolve([room, names]),
      });
      await a.claim("r", { username: "Ann", canonical: "ann" });
      await command(client, [
        "HSET",
        "ghost:{r}:names",
        "old",
        JSON.stringify({ u: "Old", c: "", h: { "gone-server": 1 } }),
      ]);
      assert.deepEqual(await a.members("r"), ["Ann"]);
      assert.deepEqual(
        await within(gone.promise, { what: "the ghost reaped" }),
        ["r", ["Old"]],
      );
      await a.close();
    },
  });

  Deno.test({
    name:
      "redis presence: while every server of a room lives, a heartbeat reads its servers, not its names",
    async fn() {
      const own = await startRedis();
      const client = await connectRedis({ url: own.url });
      const [a, b] = [0, 1].map(() =>
        new RedisPresence({ client, prefix: "cost:", ttlMs: 150 })
      );
      for (let i = 0; i < 50; i++) {
        await (i % 2 ? a : b).claim("r", {
          username: `n${i}`,
          canonical: `n${i}`,
        });
      }
      const stat = async (name: string) => {
        const text = await command(client, ["INFO", "commandstats"]);
        const calls = new RegExp(`cmdstat_${name}:calls=(\\d+)`).exec(
          String(text),
        );
        return Number(calls?.[1] ?? 0);
      };
      await command(client, ["CONFIG", "RESETSTAT"]);
      // One ZADD of the room list per beat of each server.
      await until(async () => await stat("zadd") >= 4 * FULL_REAP_EVERY, {
        timeoutMs: 60_000,
        what: "heartbeats",
      });
      const beats = await stat("zadd");
      const reads = await stat("hgetall");
      assert.ok(
        reads <= beats * (1 + 2 / FULL_REAP_EVERY) + 4,
        `${reads} HGETALL for ${beats} beats`,
      );
      await a.close();
      await b.close();
      await client.close();
      await own.stop();
    },
  });

  Deno.test({
    name: "redis presence teardown",
    async fn() {
      for (const client of clients) await client.close();
      await redis.stop();
    },
  });
}
