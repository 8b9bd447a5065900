import { redisSkipReason, startRedis } from "../../../tests/support/redis.ts";
import { testStoreConformance } from "../../store/conformance.ts";
import { RedisStore } from "./store.ts";
import { command } from "./client.ts";
import { formatId } from "../../chat/ids.ts";
import { deepStrictEqual as assertEquals } from "node:assert/strict";
import type { MessageStore } from "../../store/store.ts";

/** Every key of the store's prefix with its whole content, as JSON. */
async function dump(store: MessageStore, prefix: string): Promise<string> {
  const { client } = store as RedisStore;
  const keys = await command(client, ["KEYS", `${prefix}*`]) as string[];
  const contents = await Promise.all(keys.map(async (key) => {
    const type = await command(client, ["TYPE", key]);
    const read = type === "string"
      ? ["GET", key]
      : type === "hash"
      ? ["HGETALL", key]
      : type === "stream"
      ? ["XRANGE", key, "-", "+"]
      : ["DUMP", key];
    return [key, type, await command(client, read)];
  }));
  return JSON.stringify(contents);
}

const skip = redisSkipReason();
if (skip) console.warn(`redis store tests skipped: ${skip}`);

if (!skip) {
  const redis = await startRedis();
  let prefix = 0;
  testStoreConformance(
    "redis",
    (options) =>
      RedisStore.open({ ...options, url: redis.url, prefix: `t${++prefix}:` }),
    { dump: (store) => dump(store, `t${prefix}:`) },
  );
  Deno.test("after a failover that lost the newest writes, no id is handed out twice", async () => {
    const store = await RedisStore.open({ url: redis.url, prefix: "floor:" });
    try {
      const room = "lobby";
      const say = (text: string, after?: string) =>
        store.append(room, { username: "ann", text, ts: 1, after });
      for (const text of ["1", "2", "3", "4", "5"]) await say(text);
      // What a promoted replica that missed the last two writes holds.
      const keys = store.keys;
      await command(store.client, ["XDEL", keys.log(room), "4-0", "5-0"]);
      await command(store.client, ["HDEL", keys.states(room), "4", "5"]);
      await command(store.client, ["XSETID", keys.log(room), "3-0"]);
      await command(store.client, ["SET", keys.seq(room), "3"]);

      const handedOut = formatId(5);
      const next = await say("after the failover", handedOut);
      assertEquals(next.message.id, formatId(6));
      const edit = await store.change(room, {
        kind: "edit",
        target: next.message.id,
        text: "edited",
        username: "ann",
        ts: 2,
        after: formatId(9),
      });
      assertEquals(edit.ok && edit.event?.id, formatId(10));
      const blind = await say("a server that saw nothing");
      assertEquals(blind.message.id, formatId(11), "the counter stays raised");
      const read = await store.after(room, { since: handedOut, limit: 10 });
      assertEquals(read.messages.map((m) => "text" in m ? m.text : m.type), [
        "edited",
        "edited",
        "a server that saw nothing",
      ]);
    } finally {
      await store.close();
    }
  });

  Deno.test({
    name: "redis server teardown",
    fn: () => redis.stop(),
  });
}
