/**
 * Issue 11, item 9 (KV part): the presence records and the heartbeats of a
 * killed server (one per worker) leave the database, even in rooms no live server holds,
 * instead of being scanned on every room list for good.
 */
import assert from "node:assert/strict";
import { until } from "./support/hostile.ts";
import { startServer } from "./support/server.ts";
import { freshRoom, joined } from "./support/ws_client.ts";

async function keys(path: string, prefix: string): Promise<Deno.KvKey[]> {
  const kv = await Deno.openKv(path);
  try {
    const found: Deno.KvKey[] = [];
    for await (const entry of kv.list({ prefix: [prefix] })) {
      found.push(entry.key);
    }
    return found;
  } finally {
    kv.close();
  }
}

Deno.test("kv presence: a killed server's names and heartbeat are reaped by another server", async () => {
  const dir = await Deno.makeTempDir({ prefix: "chat_presence_reap_" });
  const path = `${dir}/chat.kv`;
  const env = {
    CHAT_STORE: "kv",
    CHAT_KV_PATH: path,
    CHAT_PRESENCE_TTL_MS: "300",
  };
  try {
    const doomed = await startServer({ env });
    const rooms = [freshRoom("ghost"), freshRoom("ghost")];
    for (const room of rooms) {
      for (const username of ["ann", "bob", "cy"]) {
        await joined(doomed, { room, username });
      }
    }
    assert.equal((await keys(path, "presence")).length, 6);
    const dead = new Set((await keys(path, "server")).map((key) => key[1]));
    assert.ok(dead.size > 0);
    await doomed.stop("SIGKILL");
    assert.equal((await keys(path, "presence")).length, 6);

    const survivor = await startServer({ env });
    try {
      await until(
        async () =>
          (await keys(path, "presence")).length === 0 &&
          !(await keys(path, "server")).some((key) => dead.has(key[1])),
        { timeoutMs: 20_000, what: "the dead server's records reaped" },
      );
      const listed = await (await fetch(`${survivor.url}/api/rooms`)).json();
      const names = JSON.stringify(listed);
      for (const room of rooms) assert.ok(!names.includes(room), names);
    } finally {
      await survivor.stop();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
