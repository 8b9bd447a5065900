/**
 * What a stranger can send, over real sockets: nonce scopes that must never
 * meet, errors a client can match to its message, join notices ahead of the
 * newcomer's words, bounded room lists.
 */
import assert from "node:assert/strict";
import { MAX_LISTED_ROOMS } from "../lib/chat/service.ts";
import { jsonLogs, until } from "./support/hostile.ts";
import { withApp } from "./support/app_server.ts";
import { connect, type Frame, freshRoom, joined } from "./support/ws_client.ts";

Deno.test({
  name:
    "nonce scope: a clientId equal to another connection's id never shares its dedupe",
  async fn() {
    await withApp({ CHAT_LOG_LEVEL: "debug" }, async (server) => {
      const room = freshRoom();
      const victim = await joined(server, { room, username: "victim" });
      let id: unknown;
      await until(() => {
        id = jsonLogs(server.logs).findLast((l) => l.event === "connect")
          ?.session;
        return typeof id === "string";
      }, { what: "the victim's connection id in the log" });
      const attacker = await joined(server, {
        room,
        username: "mallory",
        extra: { clientId: id },
      });
      attacker.send({ type: "message", text: "evil", nonce: "n-1" });
      await victim.next((f) => f.type === "message" && f.text === "evil");
      victim.send({ type: "message", text: "hello", nonce: "n-1" });
      const ack = await victim.next((f) =>
        f.type === "message" && f.nonce === "n-1" && f.text !== "evil"
      );
      assert.equal(ack.text, "hello");
      assert.equal(ack.username, "victim");
      const seen = await attacker.next((f) =>
        f.type === "message" && f.text === "hello"
      );
      assert.equal(seen.id, ack.id);
      await Promise.all([victim.close(), attacker.close()]);
    });
  },
});

Deno.test({
  name: "errors answering a message frame carry its nonce",
  async fn() {
    await withApp({}, async (server) => {
      const room = freshRoom();
      const early = await connect(server.url, `/api/rooms/${room}/ws`);
      early.send({ type: "message", text: "too soon", nonce: "n-early" });
      const notJoined = await early.next((f) => f.type === "error");
      assert.deepEqual(
        [notJoined.code, notJoined.nonce],
        ["not_joined", "n-early"],
      );
      assert.equal((await early.join("ann")).type, "welcome");
      early.send({ type: "message", text: "   ", nonce: "n-empty" });
      const invalid = await early.next((f) => f.type === "error");
      assert.deepEqual([invalid.code, invalid.nonce], [
        "invalid_message",
        "n-empty",
      ]);
      early.send({ type: "message", nonce: "n-textless" });
      const bad = await early.next((f) => f.type === "error");
      assert.deepEqual([bad.code, bad.nonce], ["bad_frame", "n-textless"]);
      for (let i = 0; i < 12; i++) {
        early.send({ type: "message", text: `m${i}`, nonce: `n-${i}` });
      }
      const limited = await early.next((f) =>
        f.type === "error" && f.code === "rate_limited"
      );
      assert.match(String(limited.nonce), /^n-1[01]$/);
      early.send({ type: "typing" });
      early.send({ type: "message", text: "x", nonce: "n-last" });
      const last = await early.next((f) => f.nonce === "n-last");
      assert.equal(last.code, "rate_limited");
      await early.close();
    });
  },
});

Deno.test({
  name:
    "join before words: a coalescing listener gets the newcomer's presence before their first message",
  async fn() {
    await withApp({ CHAT_RATE_LIMIT: "off" }, async (server) => {
      const room = freshRoom();
      const watchers = [
        await joined(server, {
          room,
          username: "watcher",
          extra: { presence: "coalesced" },
        }),
        await joined(server, {
          room,
          username: "batcher",
          extra: { presence: "coalesced", batch: true },
        }),
      ];
      for (let i = 0; i < 10; i++) {
        const name = `carol${i}`;
        const carol = await joined(server, { room, username: name });
        carol.send({ type: "message", text: `hi from ${name}` });
        for (const watcher of watchers) {
          await watcher.next((f) => f.text === `hi from ${name}`);
          const about = watcher.received.filter((f: Frame) =>
            (f.type === "presence" && f.joined.includes(name)) ||
            f.text === `hi from ${name}`
          );
          assert.equal(about[0].type, "presence", JSON.stringify(about));
        }
        await carol.close();
      }
      await Promise.all(watchers.map((w) => w.close()));
    });
  },
});

Deno.test({
  name: "room lists are capped: /api/rooms and the home page list the busiest",
  async fn() {
    await withApp({}, async (server) => {
      const prefix = freshRoom("squat");
      const squatters = [];
      for (let i = 0; i < MAX_LISTED_ROOMS + 10; i++) {
        squatters.push(
          await joined(server, { room: `${prefix}-${i}`, username: "s" }),
        );
      }
      const busy = freshRoom("busy");
      const people = [
        await joined(server, { room: busy, username: "ann" }),
        await joined(server, { room: busy, username: "bob" }),
      ];
      const { rooms } = await (await fetch(`${server.url}/api/rooms`)).json();
      assert.equal(rooms.length, MAX_LISTED_ROOMS);
      assert.deepEqual(rooms[0], {
        room: busy,
        online: 2,
        lastMessageAt: null,
      });
      const home = await (await fetch(server.url)).text();
      const listed = home.match(new RegExp(`/chat/${prefix}-\\d+"`, "g"));
      assert.equal(listed?.length, MAX_LISTED_ROOMS - 1);
      await Promise.all([...squatters, ...people].map((c) => c.close()));
    });
  },
});
