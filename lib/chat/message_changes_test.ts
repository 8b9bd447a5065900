import assert from "node:assert/strict";
import { MemoryStore } from "../backends/memory/store.ts";
import { FakeClock } from "../fake_clock.ts";
import type { Logger } from "../log.ts";
import { changeMessage } from "./message_changes.ts";

function logged(): { log: Logger; lines: [string, string][] } {
  const lines: [string, string][] = [];
  return { log: (level, msg) => lines.push([level, msg]), lines };
}

Deno.test("changeMessage: an edit of one's own message is stored and stamped by the clock", async () => {
  const store = new MemoryStore();
  const clock = new FakeClock();
  const { log } = logged();
  const { message } = await store.append("lobby", {
    username: "ann",
    text: "helo",
    ts: 1,
    owner: "g:ann",
  });
  const outcome = await changeMessage({ store, log, clock }, {
    room: "lobby",
    frame: { type: "edit", id: message.id, text: "hello" },
    actor: { owner: "g:ann", username: "ann" },
    decide: (_action, own) => own,
  });
  assert.ok("event" in outcome && outcome.event);
  assert.equal(outcome.event.type, "edited");
  assert.equal(outcome.event.editedAt, clock.now());
  const refused = await changeMessage({ store, log, clock }, {
    room: "lobby",
    frame: { type: "delete", id: message.id },
    actor: { owner: "g:bob", username: "bob" },
    decide: (_action, own) => own,
  });
  assert.deepEqual(refused, {
    code: "forbidden",
    message: "You may not delete someone else's message.",
  });
  await store.close();
});

Deno.test("changeMessage: a store that fails gets server_error and a log line, never a throw", async () => {
  const store = new MemoryStore();
  store.get = () => Promise.reject(new Error("store down"));
  const { log, lines } = logged();
  const outcome = await changeMessage({ store, log }, {
    room: "lobby",
    frame: { type: "delete", id: "0000000000000001" },
    actor: { owner: "g:ann", username: "ann" },
    decide: () => true,
  });
  assert.deepEqual(outcome, {
    code: "server_error",
    message: "The change could not be stored; try again.",
  });
  assert.deepEqual(lines, [["error", "store_failed"]]);
  await store.close();
});
