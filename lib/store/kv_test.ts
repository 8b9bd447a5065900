import assert from "node:assert/strict";
import { testStoreConformance } from "./conformance.ts";
import { KvStore } from "./kv.ts";

testStoreConformance(
  "kv",
  (options) => KvStore.open({ ...options, path: ":memory:" }),
);

Deno.test("kv: history survives closing and reopening the file", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/nested/chat.kv`;
    const first = await KvStore.open({ path });
    const { message } = await first.append("r", {
      username: "a",
      text: "kept",
      ts: 1,
    });
    await first.close();
    const second = await KvStore.open({ path });
    const page = await second.after("r", { since: "", limit: 10 });
    assert.deepEqual(page.messages, [message]);
    const next = await second.append("r", {
      username: "a",
      text: "next",
      ts: 2,
    });
    assert.ok(next.message.id > message.id);
    await second.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("kv: two handles on one file never hand out the same id", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/chat.kv`;
    const a = await KvStore.open({ path });
    const b = await KvStore.open({ path });
    const results = await Promise.all(
      Array.from(
        { length: 30 },
        (_, i) =>
          (i % 2 ? a : b).append("r", { username: "a", text: `m${i}`, ts: i }),
      ),
    );
    assert.equal(new Set(results.map((r) => r.message.id)).size, 30);
    assert.equal((await a.before("r", { limit: 100 })).length, 30);
    await a.close();
    await b.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
