import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { KvStore } from "./store.ts";
import { expireLater, keepForever, KvSweeper, SWEEP_BATCH } from "./expiry.ts";
import { NONCE_TTL_MS } from "../../store/store.ts";

/** Rows of the SQLite file that Deno KV's own expiry thread would delete (and panic on, on a full disk). */
function rowsWithExpiry(path: string): number {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    const row = db.prepare(
      "SELECT count(*) AS n FROM kv WHERE expiration_ms >= 0",
    ).get() as { n: number };
    return row.n;
  } finally {
    db.close();
  }
}

async function withFile(
  body: (path: string) => Promise<void>,
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "chat_kv_expiry_" });
  try {
    await body(`${dir}/chat.kv`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("kv: nothing is stored with expireIn, so Deno KV's expiry thread has nothing to delete", async () => {
  await withFile(async (path) => {
    const store = await KvStore.open({ path, messageTtlMs: 60_000 });
    for (let i = 0; i < 5; i++) {
      await store.append("r", {
        username: "a",
        text: `m${i}`,
        ts: Date.now(),
        nonce: `n${i}`,
        dedupeKey: "c1",
      });
    }
    await store.close();
    assert.equal(rowsWithExpiry(path), 0);
  });
});

Deno.test("kv: the sweeper deletes nonces and messages whose time has come", async () => {
  await withFile(async (path) => {
    const store = await KvStore.open({ path, messageTtlMs: 10 * 60_000 });
    const input = {
      username: "a",
      text: "once",
      ts: Date.now(),
      nonce: "n",
      dedupeKey: "c1",
    };
    try {
      const first = await store.append("r", input);
      const sweeper = new KvSweeper(store.kv);
      assert.equal(await sweeper.sweep(Date.now()), 0);
      assert.equal((await store.append("r", input)).duplicate, true);
      assert.equal(await sweeper.sweep(input.ts + NONCE_TTL_MS), 1);
      const again = await store.append("r", { ...input, ts: input.ts + 1000 });
      assert.equal(again.duplicate, false);
      assert.ok(again.message.id > first.message.id);
      // the first message, and the second one's nonce
      assert.equal(await sweeper.sweep(input.ts + 10 * 60_000), 2);
      const page = await store.after("r", { since: "", limit: 10 });
      assert.deepEqual(page.messages.map((m) => m.id), [again.message.id]);
    } finally {
      await store.close();
    }
  });
});

Deno.test("kv: one sweep handles a bounded batch", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    for (let i = 0; i < SWEEP_BATCH + 50; i += 100) {
      const op = kv.atomic();
      for (let j = i; j < Math.min(i + 100, SWEEP_BATCH + 50); j++) {
        op.set(["x", j], j);
        expireLater(op, { key: ["x", j], ttlMs: 1, now: 0 });
      }
      await op.commit();
    }
    const sweeper = new KvSweeper(kv);
    assert.equal(await sweeper.sweep(2), SWEEP_BATCH);
    assert.equal(await sweeper.sweep(2), 50);
    assert.equal(await sweeper.sweep(2), 0);
    for await (const _ of kv.list({ prefix: ["x"] })) assert.fail("left");
  } finally {
    kv.close();
  }
});

Deno.test("kv: a key set again with a later expiry outlives its first one; keepForever keeps it", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const set = async (value: number, ttlMs: number) => {
      const op = kv.atomic().set(["k"], value);
      expireLater(op, { key: ["k"], ttlMs, now: 0 });
      await op.commit();
    };
    await set(1, 100);
    await set(2, 200);
    const sweeper = new KvSweeper(kv);
    assert.equal(await sweeper.sweep(150), 1);
    assert.equal((await kv.get(["k"])).value, 2);
    assert.equal(await sweeper.sweep(250), 1);
    assert.equal((await kv.get(["k"])).value, null);

    await set(3, 100);
    const op = kv.atomic().set(["k"], 4);
    keepForever(op, ["k"]);
    await op.commit();
    assert.equal(await sweeper.sweep(1000), 1);
    assert.equal((await kv.get(["k"])).value, 4);
    for await (const entry of kv.list({ prefix: [] })) {
      assert.deepEqual(entry.key, ["k"]);
    }
  } finally {
    kv.close();
  }
});
