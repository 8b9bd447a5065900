/** A ban made while a server's Redis subscriber was away still shuts that server's socket once it is back. */
import assert from "node:assert/strict";
import { redisCli, startRedis } from "./support/redis.ts";
import { account, createRoom, socket } from "./support/rooms.ts";
import { startApp } from "./support/app_server.ts";
import { freshRoom } from "./support/ws_client.ts";

/** Generous: the suite runs on a busy 2-core machine. */
const WAIT_MS = 20_000;

Deno.test({
  name:
    "a ban missed by a server's subscriber during a Redis outage is applied when it resubscribes",
  async fn() {
    const redis = await startRedis();
    const env = {
      CHAT_STORE: "redis",
      REDIS_URL: redis.url,
      CHAT_TRUSTED_PROXIES: "127.0.0.1",
    };
    const [a, b] = await Promise.all([
      startApp({ env }),
      startApp({ env }),
    ]);
    const cli = (...args: string[]) => redisCli(redis.port, args);
    try {
      const olga = await account(a.url, "olga");
      const room = freshRoom("missed");
      await createRoom(a.url, { owner: olga, room, visibility: "public" });
      const owner = await socket(a.url, { room, as: olga });
      assert.equal((await owner.join(olga.username)).type, "welcome");
      const troll = await socket(b.url, {
        room,
        headers: { "x-forwarded-for": "10.1.1.9" },
      });
      assert.equal((await troll.join("troll")).type, "welcome");
      await owner.next((f) => f.type === "joined" && f.username === "troll");

      // Connections already signed in keep working; new ones (the killed
      // subscribers coming back) are refused until the password goes.
      assert.equal(await cli("CONFIG", "SET", "requirepass", "outage"), "OK\n");
      const killed = await cli(
        "-a",
        "outage",
        "--no-auth-warning",
        "CLIENT",
        "KILL",
        "TYPE",
        "pubsub",
      );
      assert.match(killed, /^[1-9]\d*\n$/, "the servers' subscribers were cut");

      owner.send({ type: "ban", username: "troll", reason: "spam" });
      await owner.next((f) => f.type === "notice" || f.type === "left");
      const early = troll.received.find((f) => f.code === "kicked");
      assert.equal(early, undefined, "B's subscriber was away: no kick yet");

      const reopened = await cli(
        "-a",
        "outage",
        "--no-auth-warning",
        "CONFIG",
        "SET",
        "requirepass",
        "",
      );
      assert.equal(reopened, "OK\n");
      const kicked = await troll.next((f) => f.type === "error", WAIT_MS);
      assert.equal(kicked.code, "kicked");
      assert.equal((await troll.closed).code, 4003);
      await owner.close();
    } finally {
      await Promise.all([a.stop(), b.stop()]);
      await redis.stop();
    }
  },
});
