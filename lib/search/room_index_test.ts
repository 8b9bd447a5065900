import assert from "node:assert/strict";
import type { MessageEvent } from "../protocol/events.ts";
import { formatId } from "../chat/ids.ts";
import { MemoryStore } from "../backends/memory/store.ts";
import { RoomIndex } from "./room_index.ts";
import { SearchService } from "./search_service.ts";
import { fold, MAX_QUERY_WORDS, queryWords, searchTokens } from "./tokens.ts";

function message(seq: number, text: string): MessageEvent {
  return {
    type: "message",
    id: formatId(seq),
    room: "r",
    username: "a",
    text,
    ts: seq,
  };
}

Deno.test("search tokens: no case, no accents, letters and digits", () => {
  assert.equal(fold("Café ÉCOLE Ångström"), "cafe ecole angstrom");
  assert.deepEqual(searchTokens("Hello, hello WORLD! 42 naïve—Zürich"), [
    "hello",
    "world",
    "42",
    "naive",
    "zurich",
  ]);
  assert.deepEqual(searchTokens("日本語 テスト"), ["日本語", "テスト"]);
  assert.equal(queryWords("a b c d e f g h i j").length, MAX_QUERY_WORDS);
});

Deno.test("room index: every word, newest first, words begun", () => {
  const index = new RoomIndex();
  index.put(message(1, "The quick brown fox"));
  index.put(message(2, "quick dog"));
  index.put(message(3, "Un café au lait"));
  index.put(message(4, "another QUICK fox"));
  assert.deepEqual(index.query(["quick", "fox"], 10), [
    formatId(4),
    formatId(1),
  ]);
  assert.deepEqual(index.query(["quick"], 2), [formatId(4), formatId(2)]);
  assert.deepEqual(index.query(["cafe"], 10), [formatId(3)]);
  assert.deepEqual(index.query(["caf"], 10), [formatId(3)]);
  assert.deepEqual(index.query(["afe"], 10), []);
  assert.deepEqual(index.query(["quick", "cat"], 10), []);
  assert.deepEqual(index.query([], 10), []);
});

Deno.test("room index: edits by new text only, deletions never", () => {
  const index = new RoomIndex();
  index.put(message(1, "old words"));
  index.put(message(2, "old too"));
  index.apply({
    type: "edited",
    id: formatId(3),
    target: formatId(1),
    text: "new words",
    editedAt: 3,
    username: "a",
  });
  index.apply({
    type: "deleted",
    id: formatId(4),
    target: formatId(2),
    by: "a",
    ts: 4,
  });
  assert.deepEqual(index.query(["old"], 10), []);
  assert.deepEqual(index.query(["new", "words"], 10), [formatId(1)]);
  assert.equal(index.lastId, formatId(4));
  assert.equal(index.size, 1);
  for (let i = 0; i < 3000; i++) {
    index.put(message(10 + i, `churn ${i}`));
    index.remove(formatId(10 + i));
  }
  assert.deepEqual(index.query(["new"], 10), [formatId(1)], "after compaction");
  assert.deepEqual(index.query(["churn"], 10), []);
});

Deno.test("search service: follows the store, evicts by name limits", async () => {
  const store = new MemoryStore();
  const search = new SearchService(store, { maxRooms: 2 });
  const say = async (room: string, text: string) =>
    (await store.append(room, { username: "a", text, ts: 1 })).message.id;
  const first = await say("r", "Crème brûlée");
  await say("r", "plain");
  const found = await search.search("r", { query: "creme BRULEE", limit: 5 });
  assert.deepEqual(found.map((m) => m.id), [first]);
  await store.change("r", {
    kind: "edit",
    target: first,
    text: "tarte",
    username: "a",
    ts: 2,
  });
  const reply = await say("r", "une crème");
  assert.deepEqual(
    (await search.search("r", { query: "creme", limit: 5 })).map((m) => m.id),
    [reply],
  );
  const tarte = await search.search("r", { query: "tarte", limit: 5 });
  assert.equal(tarte[0].text, "tarte");
  assert.equal(tarte[0].editedAt, 2);
  await store.change("r", { kind: "delete", target: reply, by: "a", ts: 3 });
  assert.deepEqual(await search.search("r", { query: "creme", limit: 5 }), []);
  await say("s", "x");
  await say("t", "x");
  await search.search("s", { query: "x", limit: 1 });
  await search.search("t", { query: "x", limit: 1 });
  assert.equal(search.rooms, 2);
  assert.deepEqual(await search.search("empty", { query: "x", limit: 1 }), []);
  assert.deepEqual(await search.search("r", { query: " ,; ", limit: 1 }), []);
});

Deno.test("search service: a long gap since the last query is read forward in pages", async () => {
  const store = new MemoryStore({ maxMessagesPerRoom: 100_000 });
  const search = new SearchService(store);
  await store.append("r", { username: "a", text: "start", ts: 1 });
  assert.equal(
    (await search.search("r", { query: "start", limit: 1 })).length,
    1,
  );
  for (let i = 0; i < 2500; i++) {
    await store.append("r", { username: "a", text: `n${i} later`, ts: 1 });
  }
  const found = await search.search("r", { query: "later", limit: 50 });
  assert.equal(found.length, 50);
  assert.equal(found[0].text, "n2499 later");
});

Deno.test("room index: newest first after edits of old messages and across many words", () => {
  const index = new RoomIndex();
  for (let i = 1; i <= 3; i++) index.put(message(i, "alpha"));
  index.put(message(4, "gamma"));
  index.apply({
    type: "edited",
    id: formatId(5),
    target: formatId(4),
    text: "alpha again",
    editedAt: 5,
    username: "a",
  });
  assert.deepEqual(index.query(["alpha"], 10), [4, 3, 2, 1].map(formatId));
  for (let i = 10; i < 40; i++) index.put(message(i, `w${i} x`));
  assert.deepEqual(
    index.query(["w"], 5),
    [39, 38, 37, 36, 35].map(formatId),
    "more matching words than are merged",
  );
  assert.deepEqual(
    index.query(["w1"], 20),
    [19, 18, 17, 16, 15, 14, 13, 12, 11, 10].map(formatId),
  );
});

Deno.test("search service: building a big index lets timers run between pages", async () => {
  const store = new MemoryStore({ maxMessagesPerRoom: 10_000 });
  for (let i = 0; i < 3000; i++) {
    await store.append("r", { username: "a", text: `word${i} common`, ts: 1 });
  }
  const search = new SearchService(store);
  let fired = false;
  setTimeout(() => fired = true, 0);
  const found = await search.search("r", { query: "common", limit: 1 });
  assert.equal(found.length, 1);
  assert.equal(fired, true, "a timer ran while the index was built");
});
