/** Coalesced presence carries changes: the lists clients keep from them end equal to the room's, across processes. */
import assert from "node:assert/strict";
import { sortNames } from "../lib/protocol/names.ts";
import { until } from "./support/hostile.ts";
import { heldList } from "./support/member_lists.ts";
import { startRedis } from "./support/redis.ts";
import { startServer } from "./support/server.ts";
import {
  type Frame,
  freshRoom,
  joined,
  type TestClient,
} from "./support/ws_client.ts";
import { account, call, createRoom, socket } from "./support/rooms.ts";
import { withApp } from "./support/app_server.ts";

Deno.test({
  name:
    "two processes, one Redis: joins, leaves, a re-join on the other process and a second tab end with every coalescing list equal to the room's",
  async fn() {
    const redis = await startRedis();
    const env = {
      CHAT_STORE: "redis",
      REDIS_URL: redis.url,
      CHAT_RATE_LIMIT: "off",
    };
    const servers = [await startServer({ env }), await startServer({ env })];
    const open: TestClient[] = [];
    try {
      const room = freshRoom();
      const enter = async (
        at: number,
        username: string,
        extra: Record<string, unknown> = {},
      ) => {
        const client = await joined(servers[at % 2], {
          room,
          username,
          extra: { clientId: `id-${username}`, ...extra },
        });
        open.push(client);
        return client;
      };
      const watchers = [
        await enter(0, "wa", { presence: "coalesced" }),
        await enter(1, "wb", { presence: "coalesced", batch: true }),
      ];
      const people = await Promise.all(
        Array.from({ length: 12 }, (_, i) => enter(i, `p${i}`)),
      );
      // A watcher whose welcome comes in the middle of the storm.
      const late = enter(1, "late", { presence: "coalesced" });
      await Promise.all(people.slice(0, 4).map((p) => p.close()));
      await enter(0, "p1");
      await enter(0, "p5");
      await people[5].close();
      watchers.push(await late);
      const expected = sortNames([
        "wa",
        "wb",
        "late",
        "p1",
        ...Array.from({ length: 8 }, (_, i) => `p${i + 4}`),
      ]);
      await until(
        () =>
          watchers.every((w) =>
            heldList(w.received).members.join() === expected.join()
          ),
        { timeoutMs: 30_000, what: "every watcher holding the room's list" },
      ).catch(() => {});
      for (const [i, watcher] of watchers.entries()) {
        const list = heldList(watcher.received);
        const name = ["wa", "wb", "late"][i];
        assert.deepEqual(list.members, expected, `${name}'s list`);
        assert.deepEqual(list.people.map((p) => p.username), expected);
        const last = watcher.received.findLast((f) => f.type === "presence");
        if (last) assert.equal(last.count, expected.length);
        assert.ok(!watcher.received.some((f) => f.type === "joined"));
      }
    } finally {
      await Promise.all(open.map((c) => c.close()));
      await Promise.all(servers.map((s) => s.stop()));
      await redis.stop();
    }
  },
});

Deno.test({
  name:
    "a new moderator reaches coalescing lists as a changed entry, with no join or leave",
  fn: () =>
    withApp({}, async (server) => {
      const base = server.url;
      const olga = await account(base, "olga");
      const mo = await account(base, "mo");
      const room = freshRoom("roles");
      await createRoom(base, { owner: olga, room, visibility: "public" });
      const watcher = await socket(base, { room, as: olga });
      const welcome = await watcher.join(olga.username, {
        presence: "coalesced",
      });
      assert.equal(welcome.type, "welcome");
      const moderator = await socket(base, { room, as: mo });
      assert.equal((await moderator.join(mo.username)).type, "welcome");
      await until(
        () => heldList(watcher.received).members.includes(mo.username),
        { what: "mo in the watcher's list" },
      );
      assert.equal(
        heldList(watcher.received).people.find((p) =>
          p.username === mo.username
        )?.role,
        "member",
      );
      await call(base, {
        method: "POST",
        path: `/api/rooms/${room}/moderators`,
        as: olga,
        body: { username: mo.username },
      });
      const changed = await watcher.next((f) =>
        f.type === "presence" &&
        f.people?.some((p: Frame) => p.role === "moderator")
      );
      assert.deepEqual(changed.joined, []);
      assert.deepEqual(changed.left, []);
      assert.deepEqual(changed.people, [
        { username: mo.username, kind: "account", role: "moderator" },
      ]);
      const roles = new Map(
        heldList(watcher.received).people.map((p) => [p.username, p.role]),
      );
      assert.equal(roles.get(mo.username), "moderator");
      assert.equal(roles.get(olga.username), "owner");
      await Promise.all([watcher.close(), moderator.close()]);
    }),
});
