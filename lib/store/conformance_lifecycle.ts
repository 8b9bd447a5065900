import assert from "node:assert/strict";
import {
  type ChangeInput,
  MAX_EDITS,
  MAX_REACTION_EMOJI,
  type MessageStore,
} from "./store.ts";
import { REPLY_QUOTE_LENGTH } from "../protocol/limits.ts";

/** Options of the store conformance suite (conformance.ts). */
export interface ConformanceOptions {
  /** Everything the backend holds, as raw text (KV entries, Redis keys), to prove what is gone. */
  dump?(store: MessageStore): Promise<string>;
}

type Case = (store: MessageStore) => Promise<void>;

async function say(
  store: MessageStore,
  text: string,
  extra: { owner?: string; replyTo?: string; room?: string } = {},
): Promise<string> {
  const { message } = await store.append(extra.room ?? "r", {
    username: "alice",
    text,
    ts: Date.now(),
    owner: extra.owner,
    replyTo: extra.replyTo,
  });
  return message.id;
}

async function changed(store: MessageStore, input: ChangeInput) {
  const result = await store.change("r", input);
  assert.ok(result.ok, `refused: ${JSON.stringify(result)}`);
  assert.ok(result.event, "nothing changed");
  return result.event;
}

function edit(target: string, text: string, ts = 5000): ChangeInput {
  return { kind: "edit", target, text, username: "alice", ts };
}

function react(
  target: string,
  emoji: string,
  options: { username?: string; on?: boolean } = {},
): ChangeInput {
  return {
    kind: "react",
    target,
    emoji,
    username: options.username ?? "bob",
    on: options.on ?? true,
  };
}

/** The message life cycle cases of the store conformance suite. */
export function lifecycleCases(
  options: ConformanceOptions,
): Record<string, Case> {
  return {
    "changes take their own ids in the room's sequence": async (store) => {
      const first = await say(store, "one");
      const edited = await changed(store, edit(first, "uno"));
      const second = await say(store, "two");
      assert.ok(first < edited.id && edited.id < second);
      assert.equal(await store.head("r"), second);
      const reaction = await changed(store, react(second, "👍"));
      assert.equal(await store.head("r"), reaction.id);
      assert.equal(await store.head("nowhere"), "");
      const page = await store.after("r", { since: "", limit: 10 });
      assert.deepEqual(page.messages.map((e) => [e.type, e.id]), [
        ["message", first],
        ["edited", edited.id],
        ["message", second],
        ["reaction", reaction.id],
      ]);
      const later = await store.after("r", { since: first, limit: 2 });
      assert.deepEqual(later.messages.map((e) => e.id), [
        second,
        reaction.id,
      ]);
      assert.equal(later.truncated, true);
      assert.deepEqual(
        (await store.before("r", { limit: 10 })).map((m) => m.id),
        [first, second],
        "history pages list messages only",
      );
    },
    "after with oldest reads forward page by page": async (store) => {
      const ids = [];
      for (let i = 0; i < 5; i++) ids.push(await say(store, `m${i}`));
      const change = await changed(store, react(ids[1], "👍"));
      const all = [...ids, change.id];
      const first = await store.after("r", {
        since: ids[0],
        limit: 2,
        oldest: true,
      });
      assert.deepEqual(first.messages.map((e) => e.id), all.slice(1, 3));
      assert.equal(first.truncated, true);
      const rest = await store.after("r", {
        since: all[2],
        limit: 3,
        oldest: true,
      });
      assert.deepEqual(rest.messages.map((e) => e.id), all.slice(3));
      assert.equal(rest.truncated, false);
    },
    "an edit keeps the message's id and shows the new text": async (store) => {
      const id = await say(store, "helo", { owner: "g:c1" });
      const event = await changed(store, edit(id, "hello", 7000));
      assert.deepEqual(event, {
        type: "edited",
        id: event.id,
        target: id,
        text: "hello",
        editedAt: 7000,
        username: "alice",
      });
      const [message] = await store.before("r", { limit: 1 });
      assert.equal(message.text, "hello");
      assert.equal(message.editedAt, 7000);
      const stored = await store.get("r", id);
      assert.equal(stored?.owner, "g:c1");
      assert.equal(stored?.message.text, "hello");
      assert.equal(
        Object.keys(stored!.message).includes("owner"),
        false,
        "the owner is never on the wire",
      );
    },
    "a message is edited at most MAX_EDITS times": async (store) => {
      const id = await say(store, "x");
      for (let i = 0; i < MAX_EDITS; i++) {
        await changed(store, edit(id, `x${i}`));
      }
      assert.deepEqual(await store.change("r", edit(id, "again")), {
        ok: false,
        refusal: "too_many_edits",
      });
    },
    "a deleted message keeps a tombstone and no text": async (store) => {
      const id = await say(store, "secret words", { owner: "g:c1" });
      const edited = await changed(store, edit(id, "hidden zebra"));
      await changed(store, react(id, "🎉"));
      const deleted = await changed(store, {
        kind: "delete",
        target: id,
        by: "alice",
        ts: 9000,
      });
      assert.deepEqual(deleted, {
        type: "deleted",
        id: deleted.id,
        target: id,
        by: "alice",
        ts: 9000,
      });
      const [tombstone] = await store.before("r", { limit: 1 });
      assert.equal(tombstone.id, id);
      assert.equal(tombstone.deleted, true);
      assert.equal("text" in tombstone, false);
      assert.equal(tombstone.reactions, undefined);
      const replay = await store.after("r", { since: "", limit: 10 });
      assert.deepEqual(replay.messages.map((e) => e.type), [
        "message",
        "edited",
        "reaction",
        "deleted",
      ]);
      const oldEdit = replay.messages[1];
      assert.equal(oldEdit.id, edited.id);
      assert.equal("text" in oldEdit, false, "the old edit's text is gone");
      assert.equal("text" in replay.messages[0], false);
      for (const again of [edit(id, "back"), react(id, "👍")]) {
        assert.deepEqual(await store.change("r", again), {
          ok: false,
          refusal: "not_found",
        });
      }
      assert.deepEqual(
        await store.change("r", { kind: "delete", target: id, by: "a", ts: 1 }),
        { ok: false, refusal: "not_found" },
      );
      if (options.dump) {
        const raw = await options.dump(store);
        assert.ok(
          raw.includes(id.replace(/^0+/, "")),
          "the dump sees the room",
        );
        assert.ok(!raw.includes("secret"), "no text left in storage");
        assert.ok(!raw.includes("zebra"), "nor of its edits");
      }
    },
    "changes of no message are not_found": async (store) => {
      const id = await say(store, "x");
      const event = await changed(store, react(id, "👍"));
      for (const target of [event.id, "0000000000000999", "nope", ""]) {
        assert.deepEqual(await store.change("r", edit(target, "y")), {
          ok: false,
          refusal: "not_found",
        });
      }
      assert.deepEqual(await store.change("other", edit(id, "y")), {
        ok: false,
        refusal: "not_found",
      });
      assert.equal(await store.get("r", event.id), undefined);
      assert.equal(await store.get("other", id), undefined);
    },
    "reactions keep names in order, once each": async (store) => {
      const id = await say(store, "x");
      await changed(store, react(id, "👍", { username: "bob" }));
      await changed(store, react(id, "👍", { username: "carol" }));
      await changed(store, react(id, "❤️", { username: "bob" }));
      assert.deepEqual(await store.change("r", react(id, "👍")), { ok: true });
      assert.deepEqual(
        await store.change("r", react(id, "😀", { on: false })),
        { ok: true },
      );
      let [message] = await store.before("r", { limit: 1 });
      assert.deepEqual(message.reactions, {
        "👍": ["bob", "carol"],
        "❤️": ["bob"],
      });
      const off = await changed(store, react(id, "❤️", { on: false }));
      assert.equal(off.type === "reaction" && off.on, false);
      await changed(store, react(id, "👍", { on: false }));
      await changed(store, react(id, "👍", { username: "bob" }));
      [message] = await store.before("r", { limit: 1 });
      assert.deepEqual(message.reactions, { "👍": ["carol", "bob"] });
      await changed(store, react(id, "👍", { username: "bob", on: false }));
      await changed(store, react(id, "👍", { username: "carol", on: false }));
      [message] = await store.before("r", { limit: 1 });
      assert.equal(message.reactions, undefined);
    },
    "at most MAX_REACTION_EMOJI distinct emoji per message": async (store) => {
      const id = await say(store, "x");
      const emoji = Array.from(
        { length: MAX_REACTION_EMOJI + 1 },
        (_, i) => String.fromCodePoint(0x1f600 + i),
      );
      for (const e of emoji.slice(0, -1)) await changed(store, react(id, e));
      assert.deepEqual(await store.change("r", react(id, emoji.at(-1)!)), {
        ok: false,
        refusal: "too_many_reactions",
      });
      await changed(store, react(id, emoji[0], { username: "carol" }));
      const [message] = await store.before("r", { limit: 1 });
      assert.equal(Object.keys(message.reactions!).length, MAX_REACTION_EMOJI);
    },
    "a reply quotes its target as it is now": async (store) => {
      const long = "é".repeat(REPLY_QUOTE_LENGTH + 50);
      const target = await say(store, long);
      const reply = await say(store, "answer", { replyTo: target });
      let [, message] = await store.before("r", { limit: 2 });
      assert.equal(message.replyTo, target);
      assert.deepEqual(message.reply, {
        id: target,
        username: "alice",
        text: "é".repeat(REPLY_QUOTE_LENGTH),
      });
      await changed(store, edit(target, "fixed"));
      [, message] = await store.before("r", { limit: 2 });
      assert.equal(message.reply?.text, "fixed");
      await changed(store, { kind: "delete", target, by: "a", ts: 1 });
      const replay = await store.after("r", { since: "", limit: 10 });
      const again = replay.messages.find((e) => e.id === reply)!;
      assert.ok(again.type === "message");
      assert.deepEqual(again.reply, {
        id: target,
        username: "alice",
        deleted: true,
      });
      assert.equal((await store.get("r", reply))?.message.reply?.deleted, true);
    },
    "concurrent appends and changes share one sequence": async (store) => {
      const id = await say(store, "x");
      const results = await Promise.all(
        Array.from(
          { length: 30 },
          (_, i) =>
            i % 2
              ? store.append("r", { username: "a", text: `m${i}`, ts: i })
                .then((r) => r.message.id)
              : store.change("r", react(id, "👍", { username: `u${i}` }))
                .then((r) => (r.ok && r.event ? r.event.id : "failed")),
        ),
      );
      assert.equal(new Set(results).size, 30);
      assert.ok(!results.includes("failed"));
      const page = await store.after("r", { since: id, limit: 100 });
      assert.deepEqual(page.messages.map((e) => e.id), [...results].sort());
      const stored = await store.get("r", id);
      assert.equal(stored?.message.reactions?.["👍"].length, 15);
    },
  };
}
