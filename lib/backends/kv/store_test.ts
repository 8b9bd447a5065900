import assert from "node:assert/strict";
import { testStoreConformance } from "../../store/conformance.ts";
import { formatId } from "../../chat/ids.ts";
import { KvStore } from "./store.ts";
import type { AppendResult } from "../../store/store.ts";

testStoreConformance(
  "kv",
  (options) => KvStore.open({ ...options, path: ":memory:" }),
  {
    async dump(store) {
      const entries = [];
      for await (const entry of (store as KvStore).kv.list({ prefix: [] })) {
        entries.push([entry.key, entry.value]);
      }
      return JSON.stringify(
        entries,
        (_, v) => typeof v === "bigint" ? String(v) : v,
      );
    },
  },
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

function say(text: string, extra: { nonce?: string; dedupeKey?: string } = {}) {
  return { username: "a", text, ts: Date.now(), ...extra };
}

function ids(count: number): string[] {
  return Array.from({ length: count }, (_, i) => formatId(i + 1));
}

/** Counts the commits `kv` makes, and those Deno KV refuses with an error. */
function countCommits(kv: Deno.Kv): { commits: number; errors: number } {
  const counts = { commits: 0, errors: 0 };
  const atomic = kv.atomic.bind(kv);
  kv.atomic = () => {
    const op = atomic();
    const commit = op.commit.bind(op);
    op.commit = async () => {
      counts.commits++;
      try {
        return await commit();
      } catch (error) {
        counts.errors++;
        throw error;
      }
    };
    return op;
  };
  return counts;
}

Deno.test("kv: a burst across rooms is stored once, in order, with contiguous ids", async () => {
  const store = await KvStore.open({ path: ":memory:" });
  try {
    const rooms = ["a", "b", "c", "d", "e"];
    const sent = new Map(rooms.map((room) => [room, [] as string[]]));
    const appends = [];
    for (let wave = 0; wave < 3; wave++) {
      for (let i = 0; i < 60; i++) {
        const room = rooms[(i * 7 + wave) % rooms.length];
        const text = `${room}-${wave}-${i}`;
        sent.get(room)!.push(text);
        appends.push(store.append(room, say(text)));
      }
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    const results = await Promise.all(appends);
    assert.ok(results.every((r) => !r.duplicate));
    for (const room of rooms) {
      const mine = results.filter((r) => r.message.room === room);
      assert.deepEqual(mine.map((r) => r.message.id), ids(mine.length));
      assert.deepEqual(mine.map((r) => r.message.text), sent.get(room));
      const stored = await store.before(room, { limit: 1000 });
      assert.deepEqual(stored, mine.map((r) => r.message));
    }
    assert.equal(await store.lastMessageAt("a"), results.at(-1)!.message.ts);
  } finally {
    await store.close();
  }
});

Deno.test("kv: duplicate nonces inside one burst are stored once", async () => {
  const store = await KvStore.open({ path: ":memory:" });
  try {
    const burst = await Promise.all([
      store.append("r", say("one", { nonce: "n1", dedupeKey: "c1" })),
      store.append("r", say("plain")),
      store.append("r", say("one again", { nonce: "n1", dedupeKey: "c1" })),
      store.append("r", say("other sender", { nonce: "n1", dedupeKey: "c2" })),
      store.append("s", say("other room", { nonce: "n1", dedupeKey: "c1" })),
      store.append("r", say("one thrice", { nonce: "n1", dedupeKey: "c1" })),
    ]);
    assert.deepEqual(burst.map((r) => r.duplicate), [
      false,
      false,
      true,
      false,
      false,
      true,
    ]);
    assert.deepEqual(burst[2].message, burst[0].message);
    assert.deepEqual(burst[5].message, burst[0].message);
    assert.equal(burst[0].message.text, "one");
    const stored = await store.before("r", { limit: 100 });
    assert.deepEqual(stored.map((m) => m.text), [
      "one",
      "plain",
      "other sender",
    ]);
    assert.deepEqual(stored.map((m) => m.id), ids(3));
    const later = await Promise.all([
      store.append("r", say("late", { nonce: "n1", dedupeKey: "c1" })),
      store.append("r", say("new")),
    ]);
    assert.equal(later[0].duplicate, true);
    assert.deepEqual(later[0].message, burst[0].message);
    assert.equal(later[1].message.id, formatId(4));
  } finally {
    await store.close();
  }
});

Deno.test("kv: two handles under concurrent bursts lose nothing and share no id", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/chat.kv`;
    const handles = [
      await KvStore.open({ path }),
      await KvStore.open({ path }),
    ];
    const rooms = ["a", "b", "c"];
    const plain: { handle: number; result: Promise<AppendResult> }[] = [];
    const pairs: Promise<AppendResult>[][] = [];
    for (let wave = 0; wave < 4; wave++) {
      for (let i = 0; i < 100; i++) {
        const handle = (i + wave) % 2;
        const room = rooms[i % rooms.length];
        const result = handles[handle].append(room, say(`${wave}-${i}`));
        plain.push({ handle, result });
      }
      for (let i = 0; i < 10; i++) {
        const nonce = { nonce: `w${wave}-${i}`, dedupeKey: "c" };
        pairs.push(
          handles.map((store) => store.append("a", say(`n${wave}`, nonce))),
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    const results = await Promise.all(plain.map((p) => p.result));
    assert.ok(results.every((r) => !r.duplicate));
    const twins = await Promise.all(pairs.map((pair) => Promise.all(pair)));
    for (const [x, y] of twins) {
      assert.equal(Number(x.duplicate) + Number(y.duplicate), 1);
      assert.deepEqual(x.message, y.message);
    }
    const fresh = [
      ...results.map((r) => r.message),
      ...twins.map(([x]) => x.message),
    ];
    for (const room of rooms) {
      const mine = fresh.filter((m) => m.room === room)
        .sort((x, y) => x.id < y.id ? -1 : 1);
      const stored = await handles[0].before(room, { limit: 1000 });
      assert.deepEqual(stored.map((m) => m.id), ids(mine.length));
      assert.deepEqual(mine, stored);
      for (const handle of [0, 1]) {
        const order = plain.map((p, i) => ({
          ...p,
          message: results[i].message,
        }))
          .filter((p) => p.handle === handle && p.message.room === room)
          .map((p) => p.message.id);
        assert.deepEqual(order, [...order].sort());
      }
    }
    for (const store of handles) await store.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("kv: a lone append commits at once, without waiting on a timer", async () => {
  const store = await KvStore.open({ path: ":memory:" });
  const setTimeoutBefore = globalThis.setTimeout;
  let timers = 0;
  try {
    globalThis.setTimeout = ((...args: Parameters<typeof setTimeout>) => {
      timers++;
      return setTimeoutBefore(...args);
    }) as typeof setTimeout;
    let secondStarted = false;
    const first = await store.append("r", say("alone")).then((result) => {
      assert.equal(secondStarted, false);
      return result;
    });
    secondStarted = true;
    const second = await store.append("r", say("next"));
    assert.equal(timers, 0);
    assert.deepEqual([first.message.id, second.message.id], ids(2));
  } finally {
    globalThis.setTimeout = setTimeoutBefore;
    await store.close();
  }
});

Deno.test("kv: a burst too big for one commit is split across several", async () => {
  const kv = await Deno.openKv(":memory:");
  const counts = countCommits(kv);
  const store = new KvStore(kv);
  try {
    const ascii = "x".repeat(10_000);
    const wide = "€".repeat(8_000);
    const results = await Promise.all(
      Array.from(
        { length: 300 },
        (_, i) =>
          store.append(
            `r${i % 3}`,
            say(`${i}${i % 10 === 0 ? wide : ascii}`),
          ),
      ),
    );
    assert.equal(counts.errors, 0);
    assert.ok(counts.commits >= 4, `${counts.commits} commits`);
    for (let r = 0; r < 3; r++) {
      const mine = results.filter((x) => x.message.room === `r${r}`);
      assert.deepEqual(mine.map((x) => x.message.id), ids(100));
      const stored = await store.before(`r${r}`, { limit: 1000 });
      assert.deepEqual(stored, mine.map((x) => x.message));
    }
  } finally {
    await store.close();
  }
});

Deno.test("kv: an append Deno KV cannot hold fails alone", async () => {
  const store = await KvStore.open({ path: ":memory:" });
  try {
    const results = await Promise.allSettled(
      Array.from(
        { length: 20 },
        (_, i) => store.append("r", say(i === 7 ? "€".repeat(40_000) : `${i}`)),
      ),
    );
    assert.deepEqual(
      results.map((r) => r.status),
      results.map((_, i) => i === 7 ? "rejected" : "fulfilled"),
    );
    const stored = await store.before("r", { limit: 100 });
    assert.deepEqual(stored.map((m) => m.id), ids(19));
    assert.deepEqual(
      stored.map((m) => m.text),
      Array.from({ length: 20 }, (_, i) => `${i}`).filter((t) => t !== "7"),
    );
  } finally {
    await store.close();
  }
});
