/** Several server processes sharing rooms through a real Redis. */
import assert from "node:assert/strict";
import { tryUpgrade, until } from "./support/hostile.ts";
import { redisSkipReason, startRedis } from "./support/redis.ts";
import { startServer } from "./support/server.ts";
import {
  connect,
  type Frame,
  freshRoom,
  joined,
  type TestClient,
} from "./support/ws_client.ts";

const skip = redisSkipReason();
if (skip) console.warn(`multi-process tests skipped: ${skip}`);
const opts = {
  ignore: Boolean(skip),
};

function messages(client: TestClient): Frame[] {
  return client.received.filter((f) => f.type === "message");
}

Deno.test({
  name: "two processes, one Redis: same messages, same order, members on both",
  ...opts,
  async fn(t) {
    const redis = await startRedis({ persist: true });
    const env = {
      CHAT_STORE: "redis",
      REDIS_URL: redis.url,
      CHAT_PRESENCE_TTL_MS: "900",
      CHAT_RATE_LIMIT: "off",
    };
    const a = await startServer({ env });
    const b = await startServer({ env });
    try {
      const room = freshRoom();
      const ann = await joined(a, {
        room,
        username: "ann",
        extra: { clientId: "ann-1" },
      });
      const bob = await joined(b, {
        room,
        username: "bob",
        extra: { clientId: "bob-1" },
      });

      await t.step("joins and members cross processes", async () => {
        const notice = await ann.next((f) => f.type === "joined");
        assert.deepEqual(notice.members, ["ann", "bob"]);
        assert.deepEqual(bob.received[0].members, ["ann", "bob"]);
        const dup = await connect(a.url, `/api/rooms/${room}/ws`);
        assert.equal(
          (await dup.join("BOB", { clientId: "other" })).code,
          "name_taken",
        );
        await dup.close();
        const rooms = await (await fetch(`${a.url}/api/rooms`)).json();
        assert.deepEqual(
          rooms.rooms.find((r: Frame) => r.room === room)?.online,
          2,
        );
      });

      await t.step(
        "interleaved senders on both sides: one order everywhere",
        async () => {
          for (let i = 0; i < 40; i++) {
            (i % 2 ? ann : bob).send({
              type: "message",
              text: `m${i}`,
              nonce: `n${i}`,
            });
          }
          const deadline = Date.now() + 10_000;
          while (
            (messages(ann).length < 40 || messages(bob).length < 40) &&
            Date.now() < deadline
          ) {
            await new Promise((r) => setTimeout(r, 20));
          }
          const ids = messages(ann).map((m) => m.id);
          assert.equal(
            ids.length,
            40,
            JSON.stringify(messages(ann).map((m) => m.text)),
          );
          assert.deepEqual(messages(bob).map((m) => m.id), ids);
          assert.deepEqual([...ids].sort(), ids);
          assert.equal(new Set(ids).size, 40);
          const { messages: stored } =
            await (await fetch(`${b.url}/api/rooms/${room}/messages?limit=200`))
              .json();
          assert.deepEqual(stored.map((m: Frame) => m.id), ids);
        },
      );

      await t.step(
        "a repeated nonce from the same client is stored once across processes",
        async () => {
          const tab2 = await joined(b, {
            room,
            username: "ann",
            extra: { clientId: "ann-1" },
          });
          ann.send({ type: "message", text: "only once", nonce: "shared" });
          const original = await ann.next((f) =>
            f.type === "message" && f.text === "only once"
          );
          tab2.send({ type: "message", text: "only once", nonce: "shared" });
          const echoed = await tab2.next((f) =>
            f.type === "message" && f.nonce === "shared" && f.id === original.id
          );
          assert.deepEqual(echoed, original);
          bob.send({ type: "message", text: "after dup" });
          await bob.next((f) => f.type === "message" && f.text === "after dup");
          assert.equal(
            messages(bob).filter((m) => m.nonce === "shared").length,
            1,
          );
          await tab2.close();
        },
      );

      await t.step(
        "SIGKILL of one process: its people resume on the other, nothing lost; ghosts leave",
        async () => {
          await a.stop("SIGKILL");
          await ann.closed;
          const last = messages(ann).at(-1)!;
          for (let i = 0; i < 5; i++) {
            bob.send({ type: "message", text: `while away ${i}` });
          }
          const left = await bob.next(
            (f) => f.type === "left" && f.username === "ann",
            10_000,
          );
          assert.deepEqual(left.members, ["bob"]);
          const back = await connect(b.url, `/api/rooms/${room}/ws`);
          const welcome = await back.join("ann", {
            clientId: "ann-1",
            since: last.id,
          });
          assert.equal(welcome.type, "welcome");
          const missed = welcome.history.map((m: Frame) => m.text);
          assert.deepEqual(
            missed.filter((t: string) => t.startsWith("while away")),
            [0, 1, 2, 3, 4].map((i) => `while away ${i}`),
          );
          const all = [...messages(ann), ...welcome.history];
          const { messages: stored } =
            await (await fetch(`${b.url}/api/rooms/${room}/messages?limit=200`))
              .json();
          assert.deepEqual(
            all.map((m) => m.id),
            stored.map((m: Frame) => m.id),
          );
          await back.close();
        },
      );

      await t.step(
        "Redis restarted: 503 and server_error meanwhile, then recovery on its own",
        async () => {
          await redis.kill();
          await until(async () => {
            const health = await fetch(`${b.url}/healthz`);
            await health.body?.cancel();
            return health.status === 503;
          }, { what: "healthz 503 once Redis is gone" });
          bob.send({
            type: "message",
            text: "during outage",
            nonce: "outage-1",
          });
          const error = await bob.next((f) => f.type === "error");
          assert.equal(error.code, "server_error");
          assert.equal(bob.socket.readyState, WebSocket.OPEN);
          // What needs the store is told to come back, not that it broke.
          const history = await fetch(
            `${b.url}/api/rooms/${room}/messages?limit=5`,
          );
          assert.equal(history.status, 503);
          assert.equal(history.headers.get("retry-after"), "5");
          assert.deepEqual(await history.json(), {
            error: "store unavailable, try later",
          });
          const upgrade = await tryUpgrade(
            Number(new URL(b.url).port),
            `/api/rooms/${freshRoom()}/ws`,
          );
          upgrade.conn?.close();
          assert.equal(upgrade.status, 503);
          await redis.start();
          const deadline = Date.now() + 10_000;
          while (Date.now() < deadline) {
            const res = await fetch(`${b.url}/healthz`);
            await res.body?.cancel();
            if (res.ok) break;
            await new Promise((r) => setTimeout(r, 100));
          }
          const carol = await joined(b, { room, username: "carol" });
          bob.send({
            type: "message",
            text: "during outage",
            nonce: "outage-1",
          });
          const resent = await carol.next((f) => f.type === "message");
          assert.equal(resent.text, "during outage");
          const { messages: stored } = await (await fetch(
            `${b.url}/api/rooms/${room}/messages?limit=200`,
          )).json();
          assert.equal(stored.at(-1).id, resent.id);
          assert.ok(stored.length > 45, "history survived the Redis restart");
          await carol.close();
        },
      );
    } finally {
      await a.stop().catch(() => {});
      await b.stop();
      await redis.stop();
    }
  },
});
