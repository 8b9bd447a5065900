import assert from "node:assert/strict";
import { connectRedis } from "./client.ts";
import { startRedis } from "../../../tests/support/redis.ts";
import { testRoomStoreConformance } from "../../rooms/conformance.ts";
import { RedisRooms } from "./rooms.ts";
import { defaultSettings } from "../../rooms/room_store.ts";

const redis = await startRedis({ persist: true });
const client = await connectRedis({ url: redis.url });
let prefix = 0;
testRoomStoreConformance(
  "redis",
  () => Promise.resolve(new RedisRooms(client, { prefix: `t${++prefix}:` })),
);

Deno.test({
  name:
    "redis rooms: every key of a room shares its hash tag; data survives a restart",
  async fn() {
    const rooms = new RedisRooms(client, { prefix: "keys:" });
    await rooms.create({ ...defaultSettings("r"), owner: "olga" });
    await rooms.addMember("r", { key: "a:bob", username: "bob", since: 1 });
    await rooms.sanction("r", {
      keys: ["g:c"],
      sanction: { kind: "mute", username: "t", by: "olga", until: null },
    });
    await rooms.audit("r", { action: "mute", by: "olga", target: "t", ts: 1 });
    await rooms.remember("r", { canonical: "t", keys: ["g:c"] });
    await rooms.takeSlot("r", { key: "g:c", ms: 60_000 });
    const keys = await client.sendCommand(["KEYS", "keys:*"]) as string[];
    assert.ok(keys.length >= 5);
    for (const key of keys) assert.match(key, /^keys:\{r\}:/);
    await client.close();
    await redis.kill();
    await redis.start();
    const again = await connectRedis({ url: redis.url });
    const reopened = new RedisRooms(again, { prefix: "keys:" });
    assert.equal((await reopened.get("r"))?.owner, "olga");
    assert.equal((await reopened.members("r")).length, 1);
    assert.equal(
      (await reopened.sanctions("r", { keys: ["g:c"], now: Date.now() }))[0]
        .kind,
      "mute",
    );
    await again.close();
    await redis.stop();
  },
});
