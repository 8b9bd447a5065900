/** End to end over real sockets: edit, delete, react, reply and search (PROTOCOL.md part 2, "The message life cycle"). */
import assert from "node:assert/strict";
import { startRedis } from "./support/redis.ts";
import { startApp, withApp } from "./support/app_server.ts";
import { connect, type Frame, freshRoom, joined } from "./support/ws_client.ts";
import type { TestClient } from "./support/ws_client.ts";

async function say(client: TestClient, text: string, extra: Frame = {}) {
  const nonce = crypto.randomUUID();
  client.send({ type: "message", text, nonce, ...extra });
  return await client.next((f) => f.type === "message" && f.nonce === nonce);
}

/** Sends a barrier message and waits for it: whatever `client` was sent before is in `received`. */
async function barrier(client: TestClient): Promise<void> {
  await say(client, "barrier");
}

function errorOf(client: TestClient) {
  return client.next((f) => f.type === "error");
}

Deno.test({
  name: "message life cycle over real sockets",
  async fn(t) {
    await withApp({}, async (server) => {
      const search = async (room: string, q: string, limit?: number) => {
        const url = new URL(`/api/rooms/${room}/search`, server.url);
        url.searchParams.set("q", q);
        if (limit !== undefined) url.searchParams.set("limit", String(limit));
        const res = await fetch(url);
        assert.equal(res.status, 200);
        return (await res.json()).messages as Frame[];
      };

      await t.step(
        "edit: the room gets `edited`, history the new text",
        async () => {
          const room = freshRoom();
          const alice = await joined(server, {
            room,
            username: "alice",
            extra: { clientId: "a1" },
          });
          const bob = await joined(server, { room, username: "bob" });
          const original = await say(alice, "helo");
          alice.send({ type: "edit", id: original.id, text: "hello" });
          const [a, b] = await Promise.all([
            alice.next((f) => f.type === "edited"),
            bob.next((f) => f.type === "edited"),
          ]);
          assert.deepEqual(a, b);
          assert.equal(a.target, original.id);
          assert.equal(a.text, "hello");
          assert.equal(a.username, "alice");
          assert.equal(typeof a.editedAt, "number");
          assert.ok(a.id > original.id, "the change has its own later id");
          const page =
            await (await fetch(`${server.url}/api/rooms/${room}/messages`))
              .json();
          assert.equal(page.messages.length, 1, "history lists messages only");
          assert.equal(page.messages[0].text, "hello");
          assert.equal(page.messages[0].editedAt, a.editedAt);
          const html = await (await fetch(`${server.url}/chat/${room}`)).text();
          assert.ok(html.includes("hello") && !html.includes("helo<"));
          const carol = await connect(server.url, `/api/rooms/${room}/ws`);
          const welcome = await carol.join("carol");
          assert.equal(welcome.history.length, 1);
          assert.equal(welcome.history[0].text, "hello");
          await Promise.all([alice.close(), bob.close(), carol.close()]);
        },
      );

      await t.step(
        "someone else's message is forbidden, no message is not_found",
        async () => {
          const room = freshRoom();
          const alice = await joined(server, {
            room,
            username: "alice",
            extra: { clientId: "a2" },
          });
          const mallory = await joined(server, {
            room,
            username: "mallory",
            extra: { clientId: "m2" },
          });
          const message = await say(alice, "mine");
          mallory.send({ type: "edit", id: message.id, text: "yours" });
          assert.equal((await errorOf(mallory)).code, "forbidden");
          mallory.send({ type: "delete", id: message.id });
          assert.equal((await errorOf(mallory)).code, "forbidden");
          for (
            const frame of [
              { type: "edit", id: "0000000000000001", text: "x" },
              { type: "delete", id: "nope" },
              { type: "react", id: "x".repeat(3000), emoji: "👍", on: true },
              { type: "message", text: "re", replyTo: "0000000000000001" },
            ]
          ) {
            mallory.send(frame);
            assert.equal(
              (await errorOf(mallory)).code,
              "not_found",
              JSON.stringify(frame).slice(0, 80),
            );
          }
          const edit = await (async () => {
            alice.send({
              type: "react",
              id: message.id,
              emoji: "👍",
              on: true,
            });
            return await alice.next((f) => f.type === "reaction");
          })();
          mallory.send({
            type: "edit",
            id: edit.id,
            text: "a change is no message",
          });
          assert.equal((await errorOf(mallory)).code, "not_found");
          const other = freshRoom();
          const elsewhere = await joined(server, {
            room: other,
            username: "alice",
            extra: { clientId: "a2" },
          });
          elsewhere.send({ type: "delete", id: message.id });
          assert.equal(
            (await errorOf(elsewhere)).code,
            "not_found",
            "ids are per room",
          );
          await barrier(mallory);
          assert.ok(
            !mallory.received.some((f) =>
              f.type === "edited" || f.type === "deleted"
            ),
          );
          await Promise.all([
            alice.close(),
            mallory.close(),
            elsewhere.close(),
          ]);
        },
      );

      await t.step(
        "the same clientId owns its messages across connections",
        async () => {
          const room = freshRoom();
          const first = await joined(server, {
            room,
            username: "dora",
            extra: { clientId: "d1" },
          });
          const message = await say(first, "typo");
          await first.close();
          const again = await joined(server, {
            room,
            username: "dora",
            extra: { clientId: "d1" },
          });
          again.send({ type: "edit", id: message.id, text: "fixed" });
          assert.equal(
            (await again.next((f) => f.type === "edited")).text,
            "fixed",
          );
          const anonymous = await joined(server, { room, username: "eve" });
          const own = await say(anonymous, "no client id");
          anonymous.send({ type: "edit", id: own.id, text: "still mine" });
          assert.equal(
            (await anonymous.next((f) => f.type === "edited")).text,
            "still mine",
          );
          await anonymous.close();
          const eve = await joined(server, { room, username: "eve" });
          eve.send({ type: "delete", id: own.id });
          assert.equal(
            (await errorOf(eve)).code,
            "forbidden",
            "another connection without clientId",
          );
          await Promise.all([again.close(), eve.close()]);
        },
      );

      await t.step(
        "delete: a tombstone without text; then not_found",
        async () => {
          const room = freshRoom();
          const alice = await joined(server, {
            room,
            username: "alice",
            extra: { clientId: "a3" },
          });
          const bob = await joined(server, { room, username: "bob" });
          const message = await say(alice, "regret this");
          alice.send({ type: "delete", id: message.id });
          const deleted = await bob.next((f) => f.type === "deleted");
          assert.equal(deleted.target, message.id);
          assert.equal(deleted.by, "alice");
          assert.equal(typeof deleted.ts, "number");
          const page =
            await (await fetch(`${server.url}/api/rooms/${room}/messages`))
              .json();
          assert.equal(page.messages[0].id, message.id);
          assert.equal(page.messages[0].deleted, true);
          assert.equal("text" in page.messages[0], false);
          const html = await (await fetch(`${server.url}/chat/${room}`)).text();
          assert.ok(!html.includes("regret this"));
          for (
            const frame of [
              { type: "edit", id: message.id, text: "back" },
              { type: "delete", id: message.id },
              { type: "react", id: message.id, emoji: "👍", on: true },
            ]
          ) {
            alice.send(frame);
            assert.equal((await errorOf(alice)).code, "not_found");
          }
          await Promise.all([alice.close(), bob.close()]);
        },
      );

      await t.step(
        "reactions: names in order, twice is once, off takes back",
        async () => {
          const room = freshRoom();
          const alice = await joined(server, { room, username: "alice" });
          const bob = await joined(server, { room, username: "bob" });
          const message = await say(alice, "react to me");
          bob.send({ type: "react", id: message.id, emoji: "👍", on: true });
          const first = await alice.next((f) => f.type === "reaction");
          assert.deepEqual(
            { ...first, id: undefined },
            {
              type: "reaction",
              id: undefined,
              target: message.id,
              emoji: "👍",
              username: "bob",
              on: true,
            },
          );
          bob.send({ type: "react", id: message.id, emoji: "👍", on: true });
          alice.send({ type: "react", id: message.id, emoji: "👍", on: true });
          const second = await bob.next((f) =>
            f.type === "reaction" && f.username === "alice"
          );
          assert.ok(second.id > first.id);
          await barrier(bob);
          assert.equal(
            bob.received.filter((f) => f.type === "error").length,
            0,
          );
          assert.equal(
            bob.received.filter((f) => f.type === "reaction").length,
            2,
          );
          let page =
            await (await fetch(`${server.url}/api/rooms/${room}/messages`))
              .json();
          assert.deepEqual(page.messages[0].reactions, {
            "👍": ["bob", "alice"],
          });
          bob.send({ type: "react", id: message.id, emoji: "👍", on: false });
          const off = await alice.next((f) =>
            f.type === "reaction" && f.on === false
          );
          assert.equal(off.username, "bob");
          bob.send({ type: "react", id: message.id, emoji: "👍", on: false });
          await barrier(bob);
          assert.equal(
            bob.received.filter((f) => f.type === "error").length,
            0,
          );
          page = await (await fetch(`${server.url}/api/rooms/${room}/messages`))
            .json();
          assert.deepEqual(page.messages[0].reactions, { "👍": ["alice"] });
          for (const emoji of ["a", "👍👍", ""]) {
            bob.send({ type: "react", id: message.id, emoji, on: true });
            assert.equal((await errorOf(bob)).code, "invalid_message", emoji);
          }
          bob.send({ type: "react", id: message.id, emoji: "👍", on: "yes" });
          assert.equal((await errorOf(bob)).code, "bad_frame");
          await Promise.all([alice.close(), bob.close()]);
        },
      );

      await t.step("at most 20 distinct emoji on a message", async () => {
        const room = freshRoom();
        const people = await Promise.all(
          ["u0", "u1", "u2"].map((username) =>
            joined(server, { room, username })
          ),
        );
        const message = await say(people[0], "many");
        for (let i = 0; i < 20; i++) {
          const person = people[i % 3];
          const emoji = String.fromCodePoint(0x1f600 + i);
          person.send({ type: "react", id: message.id, emoji, on: true });
          await person.next((f) => f.type === "reaction" && f.emoji === emoji);
        }
        people[2].send({
          type: "react",
          id: message.id,
          emoji: "🦄",
          on: true,
        });
        assert.equal((await errorOf(people[2])).code, "invalid_message");
        people[2].send({
          type: "react",
          id: message.id,
          emoji: "😀",
          on: true,
        });
        await people[2].next((f) =>
          f.type === "reaction" && f.username === "u2" && f.emoji === "😀"
        );
        const page =
          await (await fetch(`${server.url}/api/rooms/${room}/messages`))
            .json();
        assert.equal(Object.keys(page.messages[0].reactions).length, 20);
        assert.deepEqual(page.messages[0].reactions["😀"], ["u0", "u2"]);
        await Promise.all(people.map((p) => p.close()));
      });

      await t.step("changes count toward the message rate limit", async () => {
        const room = freshRoom();
        const alice = await joined(server, { room, username: "alice" });
        const message = await say(alice, "spam target");
        for (let i = 0; i < 12; i++) {
          alice.send({
            type: "react",
            id: message.id,
            emoji: "👍",
            on: i % 2 === 0,
          });
        }
        assert.equal((await errorOf(alice)).code, "rate_limited");
        await alice.close();
      });

      await t.step("reply: quote of the original as it is now", async () => {
        const room = freshRoom();
        const alice = await joined(server, {
          room,
          username: "alice",
          extra: { clientId: "a5" },
        });
        const original = await say(alice, "x".repeat(250));
        const reply = await say(alice, "answer", { replyTo: original.id });
        assert.equal(reply.replyTo, original.id);
        assert.deepEqual(reply.reply, {
          id: original.id,
          username: "alice",
          text: "x".repeat(200),
        });
        alice.send({ type: "edit", id: original.id, text: "short" });
        await alice.next((f) => f.type === "edited");
        const page =
          await (await fetch(`${server.url}/api/rooms/${room}/messages`))
            .json();
        assert.equal(page.messages[1].reply.text, "short");
        await alice.close();
      });

      await t.step(
        "since replays messages and changes in order, once each",
        async () => {
          const room = freshRoom();
          const alice = await joined(server, {
            room,
            username: "alice",
            extra: { clientId: "a6" },
          });
          const first = await say(alice, "one");
          const second = await say(alice, "two");
          alice.send({ type: "edit", id: first.id, text: "uno" });
          alice.send({ type: "react", id: second.id, emoji: "🎉", on: true });
          alice.send({ type: "delete", id: second.id });
          await alice.next((f) => f.type === "deleted");
          const live = alice.received.filter((f) =>
            typeof f.id === "string" && f.id > first.id
          );
          const late = await connect(server.url, `/api/rooms/${room}/ws`);
          const welcome = await late.join("late", { since: first.id });
          assert.deepEqual(
            welcome.history.map((e: Frame) => [e.type, e.id]),
            live.map((e) => [e.type, e.id]),
          );
          assert.deepEqual(welcome.history.map((e: Frame) => e.type), [
            "message",
            "edited",
            "reaction",
            "deleted",
          ]);
          assert.equal(welcome.history[0].deleted, true);
          await Promise.all([alice.close(), late.close()]);
        },
      );

      await t.step(
        "search: every word, no case or accent, newest first",
        async () => {
          const room = freshRoom();
          const alice = await joined(server, {
            room,
            username: "alice",
            extra: { clientId: "a7" },
          });
          const cafe = await say(alice, "Un Café noir");
          const both = await say(alice, "café and croissant");
          const gone = await say(alice, "café to delete");
          await say(alice, "nothing here");
          assert.deepEqual((await search(room, "CAFE")).map((m) => m.id), [
            gone.id,
            both.id,
            cafe.id,
          ]);
          assert.deepEqual(
            (await search(room, "cafe croissant")).map((m) => m.id),
            [both.id],
          );
          assert.deepEqual((await search(room, "cafe", 1)).map((m) => m.id), [
            gone.id,
          ]);
          alice.send({ type: "delete", id: gone.id });
          await alice.next((f) => f.type === "deleted");
          alice.send({ type: "edit", id: cafe.id, text: "un thé" });
          await alice.next((f) => f.type === "edited");
          assert.deepEqual((await search(room, "cafe")).map((m) => m.id), [
            both.id,
          ]);
          const the = await search(room, "the");
          assert.deepEqual(the.map((m) => [m.id, m.text]), [[
            cafe.id,
            "un thé",
          ]]);
          assert.deepEqual(await search(room, "delete"), []);
          for (const bad of ["0", "51", "x", "", "2.5"]) {
            const res = await fetch(
              `${server.url}/api/rooms/${room}/search?q=a&limit=${bad}`,
            );
            assert.equal(res.status, 400, bad);
            await res.body?.cancel();
          }
          const missing = await fetch(`${server.url}/api/rooms/${room}/search`);
          assert.equal(missing.status, 400);
          await missing.body?.cancel();
          const invalid = await fetch(
            `${server.url}/api/rooms/a%20b/search?q=x`,
          );
          assert.equal(invalid.status, 404);
          await invalid.body?.cancel();
          await alice.close();
        },
      );
    });
  },
});

Deno.test({
  name: "life cycle across two servers on one Redis, and across a restart",
  async fn(t) {
    const redis = await startRedis();
    const env = { CHAT_STORE: "redis", REDIS_URL: redis.url };
    const [a, b] = await Promise.all([
      startApp({ env }),
      startApp({ env }),
    ]);
    try {
      await t.step(
        "changes reach the other server in order; search agrees",
        async () => {
          const room = freshRoom();
          const alice = await joined(a, {
            room,
            username: "alice",
            extra: { clientId: "x1" },
          });
          const bob = await joined(b, { room, username: "bob" });
          const first = await say(alice, "première version");
          const second = await say(alice, "to be removed");
          alice.send({ type: "edit", id: first.id, text: "deuxième version" });
          alice.send({ type: "react", id: first.id, emoji: "👍", on: true });
          alice.send({ type: "delete", id: second.id });
          await bob.next((f) => f.type === "deleted");
          const seen = (client: TestClient) =>
            client.received.filter((f) => typeof f.id === "string").map((
              f,
            ) => [f.type, f.id]);
          await alice.next((f) => f.type === "deleted");
          assert.deepEqual(seen(bob), seen(alice));
          assert.deepEqual(seen(bob).map(([type]) => type), [
            "message",
            "message",
            "edited",
            "reaction",
            "deleted",
          ]);
          for (const server of [a, b]) {
            const url = `${server.url}/api/rooms/${room}/search?q=VERSION`;
            const found = (await (await fetch(url)).json()).messages;
            assert.deepEqual(found.map((m: Frame) => m.text), [
              "deuxième version",
            ]);
            const old = await (await fetch(
              `${server.url}/api/rooms/${room}/search?q=premiere`,
            )).json();
            assert.deepEqual(old.messages, []);
            const removed = await (await fetch(
              `${server.url}/api/rooms/${room}/search?q=removed`,
            )).json();
            assert.deepEqual(removed.messages, []);
          }
          bob.send({ type: "delete", id: first.id });
          assert.equal(
            (await errorOf(bob)).code,
            "forbidden",
            "on the other server too",
          );
          await Promise.all([alice.close(), bob.close()]);
        },
      );
    } finally {
      await Promise.all([a.stop(), b.stop()]);
      await redis.stop();
    }

    await t.step(
      "kv: changes survive a restart and resume with since",
      async () => {
        const dir = await Deno.makeTempDir();
        const kvEnv = { CHAT_STORE: "kv", CHAT_KV_PATH: `${dir}/chat.kv` };
        try {
          const room = freshRoom();
          let server = await startApp({ env: kvEnv });
          const alice = await joined(server, {
            room,
            username: "alice",
            extra: { clientId: "k1" },
          });
          const kept = await say(alice, "kept");
          const gone = await say(alice, "gone soon");
          alice.send({ type: "edit", id: kept.id, text: "kept, edited" });
          alice.send({ type: "react", id: kept.id, emoji: "🎉", on: true });
          alice.send({ type: "delete", id: gone.id });
          // Changes of one connection may be stored in any order: wait for all three.
          for (const type of ["edited", "reaction", "deleted"]) {
            await alice.next((f) => f.type === type);
          }
          const live = alice.received.filter((f) =>
            typeof f.id === "string" && f.id > kept.id
          )
            .map((f) => f.id);
          await alice.close();
          await server.stop();
          server = await startApp({ env: kvEnv, port: server.port });
          try {
            const page =
              await (await fetch(`${server.url}/api/rooms/${room}/messages`))
                .json();
            assert.equal(page.messages[0].text, "kept, edited");
            assert.deepEqual(page.messages[0].reactions, { "🎉": ["alice"] });
            assert.equal(page.messages[1].deleted, true);
            assert.equal("text" in page.messages[1], false);
            const again = await connect(server.url, `/api/rooms/${room}/ws`);
            const welcome = await again.join("alice", {
              clientId: "k1",
              since: kept.id,
            });
            assert.deepEqual(welcome.history.map((e: Frame) => e.id), live);
            again.send({
              type: "edit",
              id: kept.id,
              text: "after the restart",
            });
            assert.equal(
              (await again.next((f) => f.type === "edited")).text,
              "after the restart",
            );
            await again.close();
          } finally {
            await server.stop();
          }
        } finally {
          await Deno.remove(dir, { recursive: true });
        }
      },
    );
  },
});
