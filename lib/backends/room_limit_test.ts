import assert from "node:assert/strict";
import { KvStore } from "./kv/store.ts";
import { ROOM_COUNT_KEY } from "./kv/room_count.ts";
import { MemoryStore } from "./memory/store.ts";
import {
  type MessageStore,
  type RetentionOptions,
  RoomLimitError,
} from "../store/store.ts";

const say = (store: MessageStore, room: string) =>
  store.append(room, { username: "a", text: "hi", ts: Date.now() });

const STORES: [string, (options: RetentionOptions) => Promise<MessageStore>][] =
  [
    ["memory", (options) => Promise.resolve(new MemoryStore(options))],
    ["kv", (options) => KvStore.open({ ...options, path: ":memory:" })],
  ];

for (const [name, open] of STORES) {
  Deno.test(`${name}: maxRooms refuses a first message in one room more, and only that`, async () => {
    const store = await open({ maxRooms: 2 });
    try {
      await say(store, "a");
      await say(store, "b");
      await assert.rejects(say(store, "c"), (error) => {
        assert.ok(error instanceof RoomLimitError);
        assert.equal(error.code, "room_limit");
        assert.match(error.message, /at most 2 rooms/);
        return true;
      });
      await say(store, "a");
      await say(store, "b");
      const page = await store.after("c", { since: "", limit: 10 });
      assert.deepEqual(page.messages, []);
    } finally {
      await store.close();
    }
  });

  Deno.test(`${name}: maxRooms holds when new rooms arrive at once`, async () => {
    const store = await open({ maxRooms: 3 });
    try {
      const rooms = ["r1", "r2", "r3", "r4", "r5", "r6"];
      const results = await Promise.allSettled(
        rooms.flatMap((room) => [say(store, room), say(store, room)]),
      );
      const stored = new Set(
        results.flatMap((r) =>
          r.status === "fulfilled" ? [r.value.message.room] : []
        ),
      );
      assert.equal(stored.size, 3);
      for (const r of results) {
        if (r.status === "rejected") {
          assert.ok(r.reason instanceof RoomLimitError, String(r.reason));
        }
      }
    } finally {
      await store.close();
    }
  });
}

Deno.test("kv: two handles on one file share the room cap", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/chat.kv`;
  const first = await KvStore.open({ path, maxRooms: 4 });
  const second = await KvStore.open({ path, maxRooms: 4 });
  try {
    const results = await Promise.allSettled(
      Array.from(
        { length: 10 },
        (_, i) => say(i % 2 ? first : second, `room${i}`),
      ),
    );
    assert.equal(results.filter((r) => r.status === "fulfilled").length, 4);
  } finally {
    await first.close();
    await second.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("kv: a database from before the room count is counted once", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/chat.kv`;
  try {
    const old = await KvStore.open({ path });
    await say(old, "x");
    await say(old, "y");
    await old.kv.delete(ROOM_COUNT_KEY);
    await old.close();
    const store = await KvStore.open({ path, maxRooms: 3 });
    await say(store, "z");
    await assert.rejects(say(store, "w"), RoomLimitError);
    assert.equal((await store.kv.get(ROOM_COUNT_KEY)).value, 3n);
    await store.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
