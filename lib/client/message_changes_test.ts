import assert from "node:assert/strict";
import type { MessageEvent } from "../protocol/events.ts";
import { applyChanges } from "./message_changes.ts";

function message(id: string, text: string, extra = {}): MessageEvent {
  return {
    type: "message",
    id,
    room: "r",
    username: "alice",
    text,
    ts: 1,
    ...extra,
  };
}

Deno.test("client: change events update the messages they target", () => {
  const list = [
    message("01", "helo"),
    message("02", "answer", {
      replyTo: "01",
      reply: { id: "01", username: "alice", text: "helo" },
    }),
  ];
  const edited = applyChanges(list, [{
    type: "edited",
    id: "03",
    target: "01",
    text: "hello",
    editedAt: 9,
    username: "alice",
  }]);
  assert.equal(edited[0].text, "hello");
  assert.equal(edited[0].editedAt, 9);
  assert.equal(edited[1].reply?.text, "hello", "the reply quote follows");
  assert.equal(list[0].text, "helo", "the old list is left alone");
  const reacted = applyChanges(edited, [
    {
      type: "reaction",
      id: "04",
      target: "01",
      emoji: "👍",
      username: "bob",
      on: true,
    },
    {
      type: "reaction",
      id: "05",
      target: "01",
      emoji: "👍",
      username: "bob",
      on: true,
    },
    {
      type: "reaction",
      id: "06",
      target: "01",
      emoji: "👍",
      username: "carol",
      on: true,
    },
    {
      type: "reaction",
      id: "07",
      target: "01",
      emoji: "🎉",
      username: "bob",
      on: true,
    },
    {
      type: "reaction",
      id: "08",
      target: "01",
      emoji: "🎉",
      username: "bob",
      on: false,
    },
  ]);
  assert.deepEqual(reacted[0].reactions, { "👍": ["bob", "carol"] });
  const deleted = applyChanges(reacted, [
    { type: "deleted", id: "09", target: "01", by: "alice", ts: 10 },
    {
      type: "edited",
      id: "10",
      target: "01",
      text: "too late",
      editedAt: 11,
      username: "alice",
    },
  ]);
  assert.deepEqual(deleted[0], {
    type: "message",
    id: "01",
    room: "r",
    username: "alice",
    ts: 1,
    deleted: true,
  });
  assert.deepEqual(deleted[1].reply, {
    id: "01",
    username: "alice",
    deleted: true,
  });
  const same = applyChanges(deleted, [
    { type: "deleted", id: "11", target: "99", by: "x", ts: 1 },
    { type: "edited", id: "12", target: "02", editedAt: 1, username: "a" },
  ]);
  assert.equal(same, deleted, "nothing to change, the same list");
});
