/** Everywhere at once: two server processes on one Redis; bans, mutes, removals and settings reach both within a second. */
import assert from "node:assert/strict";
import { startRedis } from "./support/redis.ts";
import { account, call, createRoom, invite, socket } from "./support/rooms.ts";
import { startApp } from "./support/app_server.ts";
import { freshRoom } from "./support/ws_client.ts";

/** The contract's bound: a change holds on every server within this. */
const WITHIN_MS = 1000;

Deno.test({
  name: "rooms with access on two servers of one Redis",
  async fn(t) {
    const redis = await startRedis();
    const env = {
      CHAT_STORE: "redis",
      REDIS_URL: redis.url,
      CHAT_TRUSTED_PROXIES: "127.0.0.1",
    };
    const a = await startApp({ env });
    const b = await startApp({ env });
    try {
      const olga = await account(a.url, "olga");
      const room = freshRoom("both");
      await createRoom(a.url, { owner: olga, room, visibility: "public" });
      const owner = await socket(a.url, { room, as: olga });
      assert.equal((await owner.join(olga.username)).type, "welcome");

      await t.step(
        "a ban on A shuts the socket on B and refuses a join on B within a second",
        async () => {
          const troll = await socket(b.url, {
            room,
            headers: { "x-forwarded-for": "10.1.1.1" },
          });
          assert.equal(
            (await troll.join("troll", { clientId: "t-1" })).type,
            "welcome",
          );
          const started = performance.now();
          owner.send({ type: "ban", username: "troll", reason: "spam" });
          assert.equal(
            (await troll.next((f) => f.type === "error")).code,
            "kicked",
          );
          assert.equal((await troll.closed).code, 4003);
          const kickedAfter = performance.now() - started;
          const again = await socket(b.url, {
            room,
            headers: { "x-forwarded-for": "10.1.1.1" },
          });
          const answer = await again.join("troll2", { clientId: "t-2" });
          const refusedAfter = performance.now() - started;
          assert.equal(answer.code, "forbidden");
          assert.ok(
            kickedAfter < WITHIN_MS,
            `kicked on B after ${kickedAfter} ms`,
          );
          assert.ok(
            refusedAfter < WITHIN_MS,
            `refused on B after ${refusedAfter} ms`,
          );
          console.log(
            `ban: socket on B closed after ${
              kickedAfter.toFixed(0)
            } ms, join on B refused after ${refusedAfter.toFixed(0)} ms`,
          );
          await again.close();
        },
      );

      await t.step(
        "a mute on A lands on an open socket on B within a second",
        async () => {
          const loud = await socket(b.url, {
            room,
            headers: { "x-forwarded-for": "10.1.1.2" },
          });
          assert.equal((await loud.join("loud")).type, "welcome");
          loud.send({ type: "message", text: "before" });
          await loud.next((f) => f.type === "message" && f.text === "before");
          const started = performance.now();
          owner.send({ type: "mute", username: "loud", durationS: 600 });
          await loud.next((f) => f.type === "notice" && f.action === "mute");
          loud.send({ type: "message", text: "after" });
          const error = await loud.next((f) => f.type === "error");
          const after = performance.now() - started;
          assert.equal(error.code, "forbidden");
          assert.ok(after < WITHIN_MS, `mute held on B after ${after} ms`);
          console.log(
            `mute: message on B refused ${
              after.toFixed(0)
            } ms after the mute on A`,
          );
          owner.send({ type: "message", text: "barrier" });
          await loud.next((f) => f.type === "message" && f.text === "barrier");
          assert.ok(!owner.received.some((f) => f.text === "after"));
          await loud.close();
        },
      );

      await t.step(
        "removal on A and a visibility change on A shut sockets on B",
        async () => {
          const club = freshRoom("club");
          await createRoom(a.url, {
            owner: olga,
            room: club,
            visibility: "public",
          });
          const bob = await account(b.url, "bob");
          await invite(a.url, { room: club, by: olga, who: bob });
          const member = await socket(b.url, { room: club, as: bob });
          assert.equal((await member.join(bob.username)).type, "welcome");
          const passer = await socket(b.url, {
            room: club,
            headers: { "x-forwarded-for": "10.1.1.3" },
          });
          assert.equal((await passer.join("passer")).type, "welcome");
          let started = performance.now();
          const patched = await call(a.url, {
            method: "PATCH",
            path: `/api/rooms/${club}`,
            as: olga,
            body: { visibility: "private" },
          });
          assert.equal(patched.status, 200);
          assert.equal(
            (await passer.next((f) => f.type === "error")).code,
            "kicked",
          );
          assert.ok(performance.now() - started < WITHIN_MS);
          assert.equal(member.socket.readyState, WebSocket.OPEN);
          started = performance.now();
          const removed = await call(a.url, {
            method: "DELETE",
            path: `/api/rooms/${club}/members/${bob.username}`,
            as: olga,
          });
          assert.equal(removed.status, 204);
          assert.equal(
            (await member.next((f) => f.type === "error")).code,
            "kicked",
          );
          assert.equal((await member.closed).code, 4003);
          assert.ok(performance.now() - started < WITHIN_MS);
          const status = await fetch(`${b.url}/api/rooms/${club}`, {
            headers: { cookie: bob.cookie },
          });
          await status.body?.cancel();
          assert.equal(status.status, 404);
        },
      );
      await owner.close();
    } finally {
      await Promise.all([a.stop(), b.stop()]);
      await redis.stop();
    }
  },
});
