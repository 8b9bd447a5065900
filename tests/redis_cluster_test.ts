/**
 * A real Redis Cluster (3 primaries, 3 replicas, started here): the
 * conformance of every Redis-backed piece, then two chat servers on it with
 * `CHAT_REDIS_WAIT_REPLICAS=1` through a slot migration and a primary killed
 * mid-burst. One cluster serves the whole file.
 */
import assert from "node:assert/strict";
import { testFanoutConformance } from "../lib/chat/fanout_conformance.ts";
import { testPresenceConformance } from "../lib/chat/presence_conformance.ts";
import { RedisFanout } from "../lib/backends/redis/fanout.ts";
import { RedisPresence } from "../lib/backends/redis/presence.ts";
import { testAccountStoreConformance } from "../lib/people/accounts_conformance.ts";
import { RedisAccounts } from "../lib/backends/redis/accounts.ts";
import { testRoomStoreConformance } from "../lib/rooms/conformance.ts";
import { RedisRooms } from "../lib/backends/redis/rooms.ts";
import { testStoreConformance } from "../lib/store/conformance.ts";
import { RedisStore } from "../lib/backends/redis/store.ts";
import {
  connectRedis,
  type RedisClient,
} from "../lib/backends/redis/client.ts";
import { RedisKeys } from "../lib/backends/redis/keys.ts";
import { until } from "./support/hostile.ts";
import { storedHistory } from "./support/chat_scenario.ts";
import { redisSkipReason } from "./support/redis.ts";
import {
  clusterPorts,
  freeStablePort,
  seedsOf,
  startRedisCluster,
} from "./support/redis_cluster.ts";
import { startServer } from "./support/server.ts";
import { longestAckGap, startSteadyClient } from "./support/steady_client.ts";
import { freshRoom } from "./support/ws_client.ts";
import { assertExactlyOnce, pump } from "./support/burst.ts";

const skip = redisSkipReason();
if (skip) console.warn(`redis cluster tests skipped: ${skip}`);

if (!skip) {
  const ports = clusterPorts();
  const env = {
    CHAT_STORE: "redis",
    REDIS_CLUSTER_NODES: seedsOf(ports),
    CHAT_REDIS_WAIT_REPLICAS: "1",
    CHAT_PRESENCE_TTL_MS: "1500",
    CHAT_RATE_LIMIT: "off",
    // The calm room of the failover step sends flat out (hundreds a second)
    // for as long as the step takes; past the default retention (10,000) its
    // first acknowledged messages would be trimmed, which the protocol allows
    // but assertExactlyOnce (every acknowledged message stored) does not.
    CHAT_MAX_MESSAGES: "1000000",
  };
  // One server starts before the cluster exists: it must come up anyway
  // (answering 503 meanwhile) and find the cluster on its own once it is there.
  const earlyPort = freeStablePort(ports);
  const early = startServer({ env, port: earlyPort, startTimeoutMs: 120_000 });
  // A start that fails (its port taken meanwhile, say) fails the file with
  // the server's output at once, instead of after a minute of polling.
  let earlyFailure: unknown;
  early.catch((error) => earlyFailure = error);
  let lastAnswer = "no answer";
  const answering503 = until(async () => {
    if (earlyFailure !== undefined) throw earlyFailure;
    try {
      const res = await fetch(`http://127.0.0.1:${earlyPort}/healthz`);
      await res.body?.cancel();
      lastAnswer = `status ${res.status}`;
      return res.status === 503;
    } catch (error) {
      lastAnswer = String(error);
      return false;
    }
  }, { timeoutMs: 60_000, what: "the early server answering 503" });
  await answering503.catch((error) => {
    throw new Error(`${error.message} (last: ${lastAnswer})`, { cause: error });
  });
  const cluster = await startRedisCluster({ ports });
  const clusterNodes = cluster.seeds.split(",");
  const clients: RedisClient[] = [];
  const client = async () => {
    const made = await connectRedis({ clusterNodes });
    clients.push(made);
    return made;
  };
  let prefix = 0;

  testStoreConformance(
    "redis cluster",
    (options) =>
      RedisStore.open({ ...options, clusterNodes, prefix: `t${++prefix}:` }),
  );
  testPresenceConformance("redis cluster", async (count) => {
    const shared = await client();
    const keys = `p${++prefix}:`;
    return Array.from(
      { length: count },
      () => new RedisPresence({ client: shared, prefix: keys }),
    );
  });
  testFanoutConformance("redis cluster", async (count) => {
    const keys = `f${++prefix}:`;
    return await Promise.all(
      Array.from({ length: count }, async () =>
        RedisFanout.open({
          connect: { clusterNodes },
          publisher: await client(),
          prefix: keys,
        })),
    );
  });
  testRoomStoreConformance("redis cluster", async () => {
    return new RedisRooms(await client(), { prefix: `r${++prefix}:` });
  });
  testAccountStoreConformance("redis cluster", async () => {
    return new RedisAccounts(await client(), { prefix: `a${++prefix}:` });
  });

  Deno.test({
    name:
      "redis cluster: a stopped server's people vanish and are announced, in rooms on every shard",
    async fn() {
      const shared = await client();
      const keys = `dead${++prefix}:`;
      const expired: [string, string[]][] = [];
      const a = new RedisPresence({ client: shared, prefix: keys, ttlMs: 300 });
      const b = new RedisPresence({
        client: shared,
        prefix: keys,
        ttlMs: 300,
        onExpired: (room, names) => expired.push([room, names]),
      });
      const rooms = ["r1", "r2", "r3", "r4", "r5", "r6"];
      const shards = new Set<number>();
      for (const room of rooms) {
        shards.add(await cluster.primaryOf(new RedisKeys(keys).names(room)));
      }
      assert.equal(shards.size, 3, "the rooms cover every shard");
      for (const room of rooms) {
        await a.claim(room, { username: "Cy", canonical: "cy" });
        await b.claim(room, { username: "bob", canonical: "bob" });
        assert.deepEqual(await b.members(room), ["bob", "Cy"]);
      }
      assert.deepEqual(
        (await b.rooms()).map((r) => r.online),
        rooms.map(() => 2),
      );
      await a.close();
      for (const room of rooms) {
        assert.deepEqual(await b.members(room), ["bob"]);
      }
      await until(() => expired.length === rooms.length, {
        what: "names of the stopped server announced as gone",
      });
      assert.deepEqual(
        expired.sort(),
        rooms.map((room) => [room, ["Cy"]]),
      );
      await b.close();
    },
  });

  Deno.test({
    name:
      "redis cluster: a room's keys share one slot; rooms spread over shards",
    async fn() {
      const keys = new RedisKeys();
      const slots = new Set<string>();
      const room = "lobby";
      for (
        const key of [
          keys.seq(room),
          keys.log(room),
          keys.nonce(room, { scope: "c:x", nonce: "n" }),
          keys.names(room),
          keys.servers(room),
          keys.events(room),
        ]
      ) {
        slots.add(
          (await cluster.cli(cluster.nodes[0].port, [
            "CLUSTER",
            "KEYSLOT",
            key,
          ]))
            .trim(),
        );
      }
      assert.equal(slots.size, 1);
      const primaries = new Set<number>();
      for (let i = 0; i < 30; i++) {
        primaries.add(await cluster.primaryOf(keys.log(`room-${i}`)));
      }
      assert.equal(primaries.size, 3);
    },
  });

  Deno.test({
    name:
      "redis cluster: two chat servers with WAIT 1, a slot migration and a primary killed mid-burst",
    async fn(t) {
      const servers = [await early, await startServer({ env })];
      assert.ok(
        servers[0].logs.some((line) => line.includes("redis_unreachable")),
        "the early server noticed the cluster was not there yet",
      );
      const keys = new RedisKeys();
      const team = (room: string) =>
        Promise.all(
          ["ann", "bob", "cy", "dee"].map((username, i) =>
            startSteadyClient({
              url: () => servers[i % 2].url,
              room,
              username,
            })
          ),
        );
      try {
        await t.step(
          "one order on both servers, rooms on every shard",
          async () => {
            const rooms: string[] = [];
            const shards = new Set<number>();
            while (shards.size < 3) {
              const room = freshRoom("spread");
              const shard = await cluster.primaryOf(keys.log(room));
              if (!shards.has(shard)) rooms.push(room);
              shards.add(shard);
            }
            for (const room of rooms) {
              const people = await team(room);
              const burst = pump(people);
              await until(() => {
                burst.check();
                return people.every((p) => p.acked.size >= 5);
              });
              await burst.stop();
              const history = await storedHistory(servers[1].url, room);
              await until(() =>
                people.every((p) => p.received.length >= history.length)
              );
              assertExactlyOnce(people, history);
              await Promise.all(people.map((p) => p.stop()));
            }
          },
        );

        await t.step(
          "a room's slot moves to another shard under traffic",
          async () => {
            const room = freshRoom("moving");
            const from = await cluster.primaryOf(keys.log(room));
            const primaries = new Set<number>();
            for (let i = 0; primaries.size < 3; i++) {
              primaries.add(await cluster.primaryOf(keys.log(`room-${i}`)));
            }
            const to = [...primaries].find((port) => port !== from)!;
            const people = await team(room);
            const burst = pump(people);
            await until(() => {
              burst.check();
              return people.every((p) => p.acked.size >= 3);
            });
            const moved = await cluster.migrateSlot(keys.log(room), { to });
            assert.ok(moved >= 3, `moved ${moved} keys`);
            assert.equal(await cluster.primaryOf(keys.log(room)), to);
            const acked = people.reduce((n, p) => n + p.acked.size, 0);
            await until(
              () => {
                burst.check();
                return people.reduce((n, p) => n + p.acked.size, 0) >=
                  acked + 8;
              },
              { timeoutMs: 20_000, what: "traffic after the migration" },
            );
            await burst.stop();
            const history = await storedHistory(servers[0].url, room);
            await until(() =>
              people.every((p) => p.received.length >= history.length)
            );
            assertExactlyOnce(people, history);
            await Promise.all(people.map((p) => p.stop()));
          },
        );

        await t.step(
          "a primary killed mid-burst: writes refused while its promoted replica has no replica, nothing acknowledged lost or doubled",
          async () => {
            const room = freshRoom("failover");
            const victim = await cluster.primaryOf(keys.log(room));
            const [heir] = await cluster.replicasOf(victim);
            assert.ok(heir, "the primary has a replica");
            let calm = freshRoom("calm");
            while (await cluster.primaryOf(keys.log(calm)) === victim) {
              calm = freshRoom("calm");
            }
            const people = await team(room);
            const bystanders = await team(calm);
            const everyone = [...people, ...bystanders];
            const burst = pump(everyone);
            try {
              await until(() => {
                burst.check();
                return people.every((p) => p.acked.size >= 5);
              });
              const ackedBefore = people.reduce((n, p) => n + p.acked.size, 0);
              const resentBefore = people.reduce((n, p) => n + p.resends, 0);
              const killedAt = Date.now();
              await cluster.kill(victim);
              await until(
                async () =>
                  (await cluster.primaryOf(keys.log(room)).catch(() => 0)) ===
                    heir,
                { timeoutMs: 30_000, what: "the replica's promotion" },
              );
              const promotedAt = Date.now();
              const resends = () => people.reduce((n, p) => n + p.resends, 0);
              const seen = resends();
              await until(() => {
                burst.check();
                return resends() >= seen + 4;
              }, {
                timeoutMs: 60_000,
                what: "refused sends",
              });
              const calmAcked = bystanders.reduce(
                (n, p) => n + p.acked.size,
                0,
              );
              await until(
                () => {
                  burst.check();
                  return bystanders.reduce((n, p) => n + p.acked.size, 0) >=
                    calmAcked + 8;
                },
                { timeoutMs: 30_000, what: "a room on another shard going on" },
              );
              const restartAt = Date.now();
              const lateAcks = people.flatMap((p) => [...p.acked.values()])
                .filter((at) => at > promotedAt + 1500 && at < restartAt);
              assert.deepEqual(
                lateAcks,
                [],
                "nothing acknowledged without a replica",
              );
              await cluster.start(victim);
              await until(
                async () =>
                  (await cluster.cli(heir, ["INFO", "replication"])).includes(
                    "connected_slaves:1",
                  ),
                {
                  timeoutMs: 30_000,
                  what: "the old primary back as a replica",
                },
              );
              const replicaBackAt = Date.now();
              const ackedAtRestart = people.reduce(
                (n, p) => n + p.acked.size,
                0,
              );
              await until(
                () => {
                  burst.check();
                  return people.reduce((n, p) => n + p.acked.size, 0) >=
                    ackedAtRestart + 20;
                },
                {
                  timeoutMs: 30_000,
                  what: "writes after the old primary rejoined",
                },
              );
              const resumedAt = people.map((p) =>
                Math.min(
                  ...[...p.acked.values()].filter((at) => at > restartAt),
                )
              );
              await burst.stop();
              // Live events cross servers again over the new primary's sharded
              // pub/sub: one lone message, with nothing after it to fill a gap.
              const lone = people[0].send();
              await until(
                () => people[1].received.some((m) => m.nonce === lone),
                { what: "a lone message reaching the other server live" },
              );
              const history = await storedHistory(servers[1].url, room);
              await until(() =>
                people.every((p) => p.received.length >= history.length)
              );
              assertExactlyOnce(people, history);
              assertExactlyOnce(
                bystanders,
                await storedHistory(servers[0].url, calm),
              );
              const figures = {
                ackedBeforeKill: ackedBefore,
                ackedTotal: people.reduce((n, p) => n + p.acked.size, 0),
                stored: history.length,
                killToPromotionMs: promotedAt - killedAt,
                restartToReplicaMs: replicaBackAt - restartAt,
                perClientResumeMs: resumedAt.map((at) => at - restartAt),
                restartToFirstAckMs: Math.min(...resumedAt) - restartAt,
                restartToEveryoneAckedMs: Math.max(...resumedAt) - restartAt,
                unavailableMs: Math.max(...resumedAt) - killedAt,
                longestAckGapMs: Math.max(...people.map(longestAckGap)),
                bystanderLongestAckGapMs: Math.max(
                  ...bystanders.map(longestAckGap),
                ),
                resent: resends() - resentBefore,
                lost: 0,
                doubled: 0,
              };
              console.log(`failover figures: ${JSON.stringify(figures)}`);
            } finally {
              // A failed assertion must not leave clients sending and
              // reconnecting behind the step.
              await Promise.all(everyone.map((p) => p.stop()));
              await burst.stop().catch(() => {});
            }
            await cluster.settled();
          },
        );
      } finally {
        await Promise.all(servers.map((server) => server.stop()));
      }
    },
  });

  Deno.test({
    name: "redis cluster teardown",
    async fn() {
      for (const made of clients) made.destroy();
      await cluster.stop();
    },
  });
}
