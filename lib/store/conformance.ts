import assert from "node:assert/strict";
import type { MessageStore, RetentionOptions } from "./store.ts";
import {
  type ConformanceOptions,
  lifecycleCases,
} from "./conformance_lifecycle.ts";

export type { ConformanceOptions };

/** Opens a fresh, empty store for one conformance case. */
export type StoreFactory = (options: RetentionOptions) => Promise<MessageStore>;

function input(
  text: string,
  extra: { nonce?: string; dedupeKey?: string } = {},
) {
  return { username: "alice", text, ts: Date.now(), ...extra };
}

/** Registers the shared behaviour every backend must have, as one Deno.test with steps. */
export function testStoreConformance(
  name: string,
  open: StoreFactory,
  options: ConformanceOptions = {},
): void {
  Deno.test({
    name: `store conformance: ${name}`,
    async fn(t) {
      const cases: Record<string, (store: MessageStore) => Promise<void>> = {
        "ids grow and sort as strings in store order": async (store) => {
          const ids: string[] = [];
          for (let i = 0; i < 12; i++) {
            const { message, duplicate } = await store.append(
              "r",
              input(`m${i}`),
            );
            assert.equal(duplicate, false);
            assert.equal(message.text, `m${i}`);
            assert.equal(message.room, "r");
            assert.equal(message.type, "message");
            ids.push(message.id);
          }
          assert.deepEqual([...ids].sort(), ids);
          assert.equal(new Set(ids).size, ids.length);
        },
        "text is stored exactly as sent": async (store) => {
          const text = "  two\nlines <b>&amp; 🎉  ";
          await store.append("r", input(text));
          const [message] = await store.before("r", { limit: 1 });
          assert.equal(message.text, text);
        },
        "rooms are independent": async (store) => {
          await store.append("a", input("in a"));
          await store.append("b", input("in b"));
          assert.deepEqual(
            (await store.before("a", { limit: 10 })).map((m) => m.text),
            ["in a"],
          );
          assert.deepEqual(
            (await store.before("b", { limit: 10 })).map((m) => m.text),
            ["in b"],
          );
          assert.deepEqual(await store.before("c", { limit: 10 }), []);
        },
        "after returns exactly what came after since": async (store) => {
          const ids = [];
          for (let i = 0; i < 6; i++) {
            ids.push((await store.append("r", input(`m${i}`))).message.id);
          }
          const page = await store.after("r", { since: ids[2], limit: 100 });
          assert.deepEqual(page.messages.map((m) => m.id), ids.slice(3));
          assert.equal(page.truncated, false);
          const none = await store.after("r", { since: ids[5], limit: 100 });
          assert.deepEqual(none.messages, []);
          const all = await store.after("r", { since: "", limit: 100 });
          assert.deepEqual(all.messages.map((m) => m.id), ids);
        },
        "an unknown since still means after that position": async (store) => {
          const ids = [];
          for (let i = 0; i < 3; i++) {
            ids.push((await store.append("r", input(`m${i}`))).message.id);
          }
          const between = ids[1].slice(0, -1) + ids[1].slice(-1) + "x";
          const page = await store.after("r", { since: between, limit: 100 });
          assert.deepEqual(page.messages.map((m) => m.id), ids.slice(2));
          const beyond = await store.after("r", { since: "zzz", limit: 100 });
          assert.deepEqual(beyond.messages, []);
        },
        "any string is a position, however odd or long": async (store) => {
          const ids = [];
          for (let i = 0; i < 2; i++) {
            ids.push((await store.append("r", input(`m${i}`))).message.id);
          }
          for (const odd of ["😀", "\uffff", "x".repeat(3000), "~"]) {
            assert.deepEqual(
              (await store.after("r", { since: odd, limit: 10 })).messages,
              [],
            );
            assert.deepEqual(
              (await store.before("r", { before: odd, limit: 10 })).map((m) =>
                m.id
              ),
              ids,
            );
          }
          assert.deepEqual(
            (await store.after("r", { since: "0".repeat(2100), limit: 10 }))
              .messages.map((m) => m.id),
            ids.filter((id) => id > "0".repeat(2100)),
          );
          assert.deepEqual(
            await store.before("r", { before: "", limit: 10 }),
            [],
          );
        },
        "after keeps the newest limit and says truncated": async (store) => {
          const ids = [];
          for (let i = 0; i < 7; i++) {
            ids.push((await store.append("r", input(`m${i}`))).message.id);
          }
          const page = await store.after("r", { since: ids[0], limit: 3 });
          assert.deepEqual(page.messages.map((m) => m.id), ids.slice(4));
          assert.equal(page.truncated, true);
          const exact = await store.after("r", { since: ids[3], limit: 3 });
          assert.equal(exact.truncated, false);
          assert.deepEqual(exact.messages.map((m) => m.id), ids.slice(4));
        },
        "before pages backwards, oldest first": async (store) => {
          const ids = [];
          for (let i = 0; i < 7; i++) {
            ids.push((await store.append("r", input(`m${i}`))).message.id);
          }
          assert.deepEqual(
            (await store.before("r", { limit: 3 })).map((m) => m.id),
            ids.slice(4),
          );
          assert.deepEqual(
            (await store.before("r", { before: ids[4], limit: 3 })).map((m) =>
              m.id
            ),
            ids.slice(1, 4),
          );
          assert.deepEqual(
            (await store.before("r", { before: ids[1], limit: 3 })).map((m) =>
              m.id
            ),
            ids.slice(0, 1),
          );
          assert.deepEqual(
            await store.before("r", { before: ids[0], limit: 3 }),
            [],
          );
        },
        "a repeated nonce from the same sender is stored once": async (
          store,
        ) => {
          const first = await store.append(
            "r",
            input("hi", { nonce: "n1", dedupeKey: "c1" }),
          );
          const again = await store.append(
            "r",
            input("hi", { nonce: "n1", dedupeKey: "c1" }),
          );
          assert.equal(again.duplicate, true);
          assert.deepEqual(again.message, first.message);
          assert.equal(first.message.nonce, "n1");
          const other = await store.append(
            "r",
            input("hi", { nonce: "n1", dedupeKey: "c2" }),
          );
          assert.equal(other.duplicate, false);
          const elsewhere = await store.append(
            "s",
            input("hi", { nonce: "n1", dedupeKey: "c1" }),
          );
          assert.equal(elsewhere.duplicate, false);
          const plain1 = await store.append("r", input("hi"));
          const plain2 = await store.append("r", input("hi"));
          assert.notEqual(plain1.message.id, plain2.message.id);
          assert.equal((await store.before("r", { limit: 100 })).length, 4);
        },
        "concurrent appends get distinct ids with nothing lost": async (
          store,
        ) => {
          const results = await Promise.all(
            Array.from(
              { length: 40 },
              (_, i) => store.append("r", input(`c${i}`)),
            ),
          );
          const ids = results.map((r) => r.message.id);
          assert.equal(new Set(ids).size, 40);
          const stored = await store.before("r", { limit: 100 });
          assert.equal(stored.length, 40);
          assert.deepEqual(stored.map((m) => m.id), [...ids].sort());
        },
        "lastMessageAt follows the newest message": async (store) => {
          assert.equal(await store.lastMessageAt("r"), null);
          await store.append("r", { username: "a", text: "x", ts: 1000 });
          await store.append("r", { username: "a", text: "y", ts: 2000 });
          assert.equal(await store.lastMessageAt("r"), 2000);
        },
        "ping answers while the store is reachable": async (store) => {
          await store.ping();
        },
        ...lifecycleCases(options),
      };
      for (const [title, body] of Object.entries(cases)) {
        await t.step(title, async () => {
          const store = await open({});
          try {
            await body(store);
          } finally {
            await store.close();
          }
        });
      }
      await t.step(
        "retention keeps the newest maxMessagesPerRoom",
        async () => {
          const store = await open({ maxMessagesPerRoom: 5 });
          try {
            const ids = [];
            for (let i = 0; i < 9; i++) {
              ids.push((await store.append("r", input(`m${i}`))).message.id);
            }
            const kept = await store.before("r", { limit: 100 });
            assert.deepEqual(kept.map((m) => m.id), ids.slice(4));
            const page = await store.after("r", { since: "", limit: 100 });
            assert.deepEqual(page.messages.map((m) => m.id), ids.slice(4));
            const change = await store.change("r", {
              kind: "react",
              target: ids[8],
              emoji: "👍",
              username: "a",
              on: true,
            });
            assert.ok(change.ok && change.event);
            const next = await store.after("r", { since: "", limit: 100 });
            assert.deepEqual(
              next.messages.map((m) => m.id),
              [...ids.slice(5), change.event.id],
              "changes take positions of the sequence too",
            );
          } finally {
            await store.close();
          }
        },
      );
    },
  });
}
