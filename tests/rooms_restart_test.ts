/** Rooms with access survive a restart: settings, members, bans, mutes and the audit log, in Deno KV and in Redis. */
import assert from "node:assert/strict";
import { signUp } from "./support/auth.ts";
import { startRedis } from "./support/redis.ts";
import { call, createRoom, invite, socket } from "./support/rooms.ts";
import { startApp } from "./support/app_server.ts";
import { freshRoom } from "./support/ws_client.ts";

async function survives(env: Record<string, string>): Promise<void> {
  const settings = { ...env, CHAT_TRUSTED_PROXIES: "127.0.0.1" };
  let server = await startApp({ env: settings });
  const room = freshRoom("kept");
  const open = freshRoom("open");
  const headers = { "x-forwarded-for": "10.9.0.1" };
  try {
    const olga = await signUp(server.url, { username: "olga" });
    const bob = await signUp(server.url, { username: "bob" });
    const eve = await signUp(server.url, { username: "eve" });
    await createRoom(server.url, { owner: olga, room });
    await invite(server.url, { room, by: olga, who: bob });
    await createRoom(server.url, {
      owner: olga,
      room: open,
      visibility: "public",
    });
    const host = await socket(server.url, { room: open, as: olga });
    await host.join("olga");
    const troll = await socket(server.url, { room: open, headers });
    assert.equal(
      (await troll.join("troll", { clientId: "t" })).type,
      "welcome",
    );
    const loud = await socket(server.url, { room: open, as: eve });
    assert.equal((await loud.join("eve")).type, "welcome");
    host.send({ type: "ban", username: "troll" });
    await troll.closed;
    host.send({ type: "mute", username: "eve", durationS: 3600 });
    await loud.next((f) => f.type === "notice" && f.action === "mute");
    await Promise.all([host.close(), loud.close()]);
    await server.stop();
    server = await startApp({ env: settings });
    const meta = await call(server.url, {
      path: `/api/rooms/${room}`,
      as: olga,
    });
    assert.equal(meta.status, 200);
    assert.equal(meta.body.visibility, "private");
    assert.equal(meta.body.owner, "olga");
    assert.equal(
      (await call(server.url, { path: `/api/rooms/${room}`, as: bob })).status,
      200,
    );
    assert.equal(
      (await call(server.url, { path: `/api/rooms/${room}`, as: eve })).status,
      404,
    );
    const again = await socket(server.url, { room: open, headers });
    assert.equal(
      (await again.join("troll", { clientId: "t2" })).code,
      "forbidden",
    );
    await again.close();
    const muted = await socket(server.url, { room: open, as: eve });
    assert.equal((await muted.join("eve")).type, "welcome");
    muted.send({ type: "message", text: "am I back?" });
    assert.equal(
      (await muted.next((f) => f.type === "error")).code,
      "forbidden",
    );
    await muted.close();
    const audit = await call(server.url, {
      path: `/api/rooms/${open}/audit`,
      as: olga,
    });
    assert.deepEqual(
      audit.body.entries.slice(0, 2).map((e: { action: string }) => e.action),
      [
        "mute",
        "ban",
      ],
    );
  } finally {
    await server.stop();
  }
}

Deno.test({
  name: "rooms with access survive a restart (kv)",
  async fn() {
    const dir = await Deno.makeTempDir();
    try {
      await survives({ CHAT_STORE: "kv", CHAT_KV_PATH: `${dir}/chat.kv` });
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "rooms with access survive a restart (redis)",
  async fn() {
    const redis = await startRedis();
    try {
      await survives({ CHAT_STORE: "redis", REDIS_URL: redis.url });
    } finally {
      await redis.stop();
    }
  },
});
