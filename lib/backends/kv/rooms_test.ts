import assert from "node:assert/strict";
import { testRoomStoreConformance } from "../../rooms/conformance.ts";
import { KvRooms } from "./rooms.ts";
import { defaultSettings } from "../../rooms/room_store.ts";

const open: Deno.Kv[] = [];
testRoomStoreConformance("kv", async () => {
  const kv = await Deno.openKv(":memory:");
  open.push(kv);
  return new KvRooms(kv);
}, { close: () => open.splice(0).forEach((kv) => kv.close()) });

Deno.test("kv rooms: settings, members and bans survive reopening the file", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/chat.kv`;
    const first = await Deno.openKv(path);
    const rooms = new KvRooms(first);
    await rooms.create({
      ...defaultSettings("r"),
      owner: "olga",
      visibility: "private",
    });
    await rooms.addMember("r", { key: "a:bob", username: "bob", since: 1 });
    await rooms.sanction("r", {
      keys: ["g:c"],
      sanction: { kind: "ban", username: "t", by: "olga", until: null },
    });
    await rooms.audit("r", { action: "ban", by: "olga", target: "t", ts: 1 });
    first.close();
    const second = await Deno.openKv(path);
    const again = new KvRooms(second);
    assert.equal((await again.get("r"))?.owner, "olga");
    assert.equal((await again.member("r", ["a:bob"]))?.username, "bob");
    assert.equal(
      (await again.sanctions("r", { keys: ["g:c"], now: Date.now() })).length,
      1,
    );
    assert.equal((await again.auditLog("r", 5)).length, 1);
    second.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
