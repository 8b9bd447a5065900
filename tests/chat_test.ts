/** End to end over real sockets: the WebSocket protocol of docs/protocol.md. */
import assert from "node:assert/strict";
import { until } from "./support/hostile.ts";
import { withApp } from "./support/app_server.ts";
import { startServer } from "./support/server.ts";
import { connect, type Frame, freshRoom, joined } from "./support/ws_client.ts";
import { heldList } from "./support/member_lists.ts";

Deno.test({
  name: "chat over real sockets",
  async fn(t) {
    await withApp({}, async (server) => {
      await t.step("two people chat, the sender included", async () => {
        const room = freshRoom();
        const alice = await joined(server, { room, username: "alice" });
        const bob = await connect(server.url, `/api/rooms/${room}/ws`);
        const welcome = await bob.join("bob", { clientId: "bob-browser" });
        assert.deepEqual(welcome.members, ["alice", "bob"]);
        assert.equal(welcome.room, room);
        assert.equal(welcome.username, "bob");
        const notice = await alice.next((f) => f.type === "joined");
        assert.equal(notice.username, "bob");
        assert.deepEqual(notice.members, ["alice", "bob"]);
        assert.equal(typeof notice.ts, "number");
        bob.send({ type: "message", text: "hello  alice ", nonce: "n-1" });
        const [a, b] = await Promise.all([
          alice.next((f) => f.type === "message"),
          bob.next((f) => f.type === "message"),
        ]);
        assert.deepEqual(a, b);
        assert.equal(a.username, "bob");
        assert.equal(a.text, "hello  alice ");
        assert.equal(a.nonce, "n-1");
        assert.equal(a.room, room);
        assert.equal(typeof a.id, "string");
        assert.ok(!bob.received.some((f) => f.type === "joined"));
        await bob.close();
        const left = await alice.next((f) => f.type === "left");
        assert.equal(left.username, "bob");
        assert.deepEqual(left.members, ["alice"]);
        await alice.close();
      });

      await t.step(
        "a late joiner gets the recent history, oldest first",
        async () => {
          const room = freshRoom();
          const alice = await joined(server, { room, username: "alice" });
          for (let i = 0; i < 3; i++) {
            alice.send({ type: "message", text: `m${i}` });
            await alice.next((f) => f.type === "message" && f.text === `m${i}`);
          }
          const carol = await connect(server.url, `/api/rooms/${room}/ws`);
          const welcome = await carol.join("carol");
          assert.deepEqual(welcome.history.map((m: Frame) => m.text), [
            "m0",
            "m1",
            "m2",
          ]);
          assert.equal(welcome.truncated, undefined);
          await Promise.all([alice.close(), carol.close()]);
        },
      );

      await t.step(
        "names are unique per room, case-insensitively; one browser may hold its name in two tabs",
        async () => {
          const room = freshRoom();
          const first = await joined(server, {
            room,
            username: "Zoë",
            extra: { clientId: "c-1" },
          });
          const impostor = await connect(server.url, `/api/rooms/${room}/ws`);
          const taken = await impostor.join("ZOË", { clientId: "c-2" });
          assert.equal(taken.code, "name_taken");
          const noClient = await impostor.join("zoë");
          assert.equal(noClient.code, "name_taken");
          const other = await impostor.join("zed");
          assert.equal(other.type, "welcome");
          const tab2 = await connect(server.url, `/api/rooms/${room}/ws`);
          const again = await tab2.join("Zoë", { clientId: "c-1" });
          assert.equal(again.type, "welcome");
          assert.deepEqual(again.members, ["zed", "Zoë"]);
          // Barrier: a later message of the second tab reaches zed after any joined would have.
          tab2.send({ type: "message", text: "from tab 2" });
          await impostor.next((f) => f.text === "from tab 2");
          assert.equal(
            impostor.received.filter((f) => f.type === "joined").length,
            0,
          );
          await tab2.close();
          // Barrier: a later message of the first tab reaches zed after any left would have.
          first.send({ type: "message", text: "still here" });
          await impostor.next((f) => f.text === "still here");
          assert.ok(!impostor.received.some((f) => f.type === "left"));
          await first.close();
          const left = await impostor.next((f) => f.type === "left");
          assert.equal(left.username, "Zoë");
          await impostor.close();
        },
      );

      await t.step(
        "typing reaches the others, throttled to one a second",
        async () => {
          const room = freshRoom();
          const alice = await joined(server, { room, username: "alice" });
          const bob = await joined(server, { room, username: "bob" });
          bob.send({ type: "typing" });
          bob.send({ type: "typing" });
          bob.send({ type: "typing" });
          const typing = await alice.next((f) => f.type === "typing");
          assert.deepEqual(typing, { type: "typing", username: "bob" });
          alice.send({ type: "message", text: "sync" });
          await alice.next((f) => f.type === "message");
          await bob.next((f) => f.type === "message");
          assert.equal(
            alice.received.filter((f) => f.type === "typing").length,
            1,
          );
          assert.ok(
            !bob.received.some((f) =>
              f.type === "typing" || f.type === "error"
            ),
          );
          await Promise.all([alice.close(), bob.close()]);
        },
      );

      await t.step(
        "a repeated nonce is stored once and echoed to the sender alone",
        async () => {
          const room = freshRoom();
          const alice = await joined(server, {
            room,
            username: "alice",
            extra: {
              clientId: "a-1",
            },
          });
          const bob = await joined(server, { room, username: "bob" });
          alice.send({ type: "message", text: "once", nonce: "dup" });
          const original = await alice.next((f) => f.type === "message");
          await bob.next((f) => f.type === "message");
          alice.send({ type: "message", text: "once", nonce: "dup" });
          const echo = await alice.next((f) => f.type === "message");
          assert.deepEqual(echo, original);
          const tab2 = await joined(server, {
            room,
            username: "alice",
            extra: { clientId: "a-1" },
          });
          tab2.send({ type: "message", text: "once", nonce: "dup" });
          assert.deepEqual(
            await tab2.next((f) =>
              f.type === "message" && f.id === original.id
            ),
            original,
          );
          bob.send({ type: "message", text: "marker" });
          await bob.next((f) => f.type === "message" && f.text === "marker");
          assert.equal(
            bob.received.filter((f) => f.type === "message").length,
            2,
          );
          const res = await fetch(`${server.url}/api/rooms/${room}/messages`);
          const { messages } = await res.json();
          assert.deepEqual(messages.map((m: Frame) => m.text), [
            "once",
            "marker",
          ]);
          await Promise.all([alice.close(), bob.close(), tab2.close()]);
        },
      );

      await t.step(
        "resume with since replays exactly what was missed",
        async () => {
          const room = freshRoom();
          const alice = await joined(server, {
            room,
            username: "alice",
            extra: { clientId: "ca" },
          });
          const bob = await joined(server, { room, username: "bob" });
          bob.send({ type: "message", text: "before" });
          const seen = await alice.next((f) => f.type === "message");
          await alice.close();
          for (const text of ["x", "y", "z"]) {
            bob.send({ type: "message", text });
            await bob.next((f) => f.type === "message" && f.text === text);
          }
          const back = await connect(server.url, `/api/rooms/${room}/ws`);
          const welcome = await back.join("alice", {
            clientId: "ca",
            since: seen.id,
          });
          assert.deepEqual(welcome.history.map((m: Frame) => m.text), [
            "x",
            "y",
            "z",
          ]);
          bob.send({ type: "message", text: "live" });
          const live = await back.next((f) => f.type === "message");
          assert.equal(live.text, "live");
          const ids = [...welcome.history.map((m: Frame) => m.id), live.id];
          assert.deepEqual([...ids].sort(), ids);
          await Promise.all([back.close(), bob.close()]);
        },
      );

      await t.step("every error code that keeps the socket open", async () => {
        const room = freshRoom();
        const c = await connect(server.url, `/api/rooms/${room}/ws`);
        const expectError = async (
          frame: Frame | string | Uint8Array,
          code: string,
        ) => {
          c.send(frame);
          const error = await c.next((f) => f.type === "error");
          assert.equal(
            error.code,
            code,
            `${JSON.stringify(frame)} → ${JSON.stringify(error)}`,
          );
          assert.equal(typeof error.message, "string");
        };
        await expectError(new Uint8Array([1, 2, 3]), "bad_frame");
        await expectError("{nope", "bad_frame");
        await expectError("[1,2]", "bad_frame");
        await expectError("null", "bad_frame");
        await expectError('"join"', "bad_frame");
        await expectError({ type: "dance" }, "bad_frame");
        await expectError({ type: 42 }, "bad_frame");
        await expectError({ nope: 1 }, "bad_frame");
        await expectError({ type: "join" }, "bad_frame");
        await expectError({ type: "join", username: 7 }, "bad_frame");
        await expectError(
          { type: "join", username: "a", clientId: "" },
          "bad_frame",
        );
        await expectError({
          type: "join",
          username: "a",
          clientId: "x".repeat(65),
        }, "bad_frame");
        await expectError(
          { type: "join", username: "a", since: 5 },
          "bad_frame",
        );
        await expectError(
          { type: "join", username: "a", batch: "yes" },
          "bad_frame",
        );
        await expectError({ type: "message", text: "hi" }, "not_joined");
        await expectError({ type: "typing" }, "not_joined");
        await expectError(
          { type: "join", username: "   " },
          "invalid_username",
        );
        await expectError(
          { type: "join", username: "a\u200bb" },
          "invalid_username",
        );
        await expectError(
          { type: "join", username: "tab\there" },
          "invalid_username",
        );
        await expectError(
          { type: "join", username: "x".repeat(33) },
          "invalid_username",
        );
        await expectError(
          { type: "join", username: "<script>" },
          "invalid_username",
        );
        const welcome = await c.join("after errors");
        assert.equal(welcome.type, "welcome");
        await expectError({ type: "join", username: "twice" }, "bad_frame");
        await expectError(
          { type: "message", text: "   \n " },
          "invalid_message",
        );
        await expectError(
          { type: "message", text: "x".repeat(2001) },
          "invalid_message",
        );
        await expectError({ type: "message", text: 5 }, "bad_frame");
        await expectError(
          { type: "message", text: "hi", nonce: 5 },
          "bad_frame",
        );
        await expectError({
          type: "message",
          text: "hi",
          nonce: "n".repeat(65),
        }, "bad_frame");
        c.send({ type: "message", text: "é".repeat(2000) });
        const ok = await c.next((f) => f.type === "message");
        assert.equal(ok.text.length, 2000);
        assert.equal(c.socket.readyState, WebSocket.OPEN);
        await c.close();
      });

      await t.step(
        "a frame over 16 KiB closes the socket with 1009",
        async () => {
          const room = freshRoom();
          const c = await joined(server, { room, username: "big" });
          c.send(JSON.stringify({ type: "message", text: "x".repeat(16_400) }));
          const error = await c.next((f) => f.type === "error");
          assert.equal(error.code, "too_large");
          assert.equal((await c.closed).code, 1009);
          const multibyte = await joined(server, {
            room,
            username: "big2",
          });
          multibyte.send(
            JSON.stringify({ type: "message", text: "€".repeat(5500) }),
          );
          assert.equal((await multibyte.closed).code, 1009);
        },
      );

      await t.step(
        "the rate limit allows a burst of 10, then says rate_limited",
        async () => {
          const room = freshRoom();
          const c = await joined(server, { room, username: "fast" });
          for (let i = 0; i < 12; i++) {
            c.send({ type: "message", text: `m${i}` });
          }
          const error = await c.next((f) => f.type === "error");
          assert.equal(error.code, "rate_limited");
          const second = await c.next((f) => f.type === "error");
          assert.equal(second.code, "rate_limited", "the 12th too");
          await c.next((f) => f.type === "message" && f.text === "m9");
          assert.equal(
            c.received.filter((f) => f.type === "message").length,
            10,
          );
          const { messages } =
            await (await fetch(`${server.url}/api/rooms/${room}/messages`))
              .json();
          assert.equal(messages.length, 10);
          await c.close();
        },
      );

      await t.step(
        "HTTP API: rooms, messages paging, limits, health",
        async () => {
          const room = freshRoom();
          const a = await joined(server, {
            room,
            username: "ann",
            extra: { clientId: "k" },
          });
          const a2 = await joined(server, {
            room,
            username: "ann",
            extra: { clientId: "k" },
          });
          const b = await joined(server, { room, username: "ben" });
          for (let i = 0; i < 5; i++) {
            b.send({ type: "message", text: `p${i}` });
            await b.next((f) => f.type === "message" && f.text === `p${i}`);
          }
          const { rooms } = await (await fetch(`${server.url}/api/rooms`))
            .json();
          const mine = rooms.find((r: Frame) => r.room === room);
          assert.equal(mine.online, 2);
          assert.equal(typeof mine.lastMessageAt, "number");
          const page = await (await fetch(
            `${server.url}/api/rooms/${room}/messages?limit=2`,
          )).json();
          assert.deepEqual(page.messages.map((m: Frame) => m.text), [
            "p3",
            "p4",
          ]);
          const older = await (await fetch(
            `${server.url}/api/rooms/${room}/messages?limit=2&before=${
              page.messages[0].id
            }`,
          )).json();
          assert.deepEqual(older.messages.map((m: Frame) => m.text), [
            "p1",
            "p2",
          ]);
          for (
            const bad of [
              "0",
              "201",
              "abc",
              "1.5",
              "",
              "0x10",
              "1e2",
              "-0",
              "%205",
            ]
          ) {
            const res = await fetch(
              `${server.url}/api/rooms/${room}/messages?limit=${bad}`,
            );
            assert.equal(res.status, 400, `limit=${bad}`);
            await res.body?.cancel();
          }
          const missing = await fetch(`${server.url}/api/rooms/a%20b/messages`);
          assert.equal(missing.status, 404);
          await missing.body?.cancel();
          const health = await fetch(`${server.url}/healthz`);
          assert.deepEqual(await health.json(), { ok: true });
          await Promise.all([a.close(), a2.close(), b.close()]);
          await until(async () => {
            const after = await (await fetch(`${server.url}/api/rooms`))
              .json();
            return !after.rooms.some((r: Frame) => r.room === room);
          }, { what: "the emptied room leaves the listing" });
        },
      );

      await t.step(
        "bad room names and foreign origins are refused before the upgrade",
        async () => {
          for (
            const path of [
              "a%20b",
              "%3Cx%3E",
              "%00",
              "x".repeat(65),
              "%E0%A4%A",
            ]
          ) {
            const res = await fetch(`${server.url}/api/rooms/${path}/ws`, {
              headers: {
                upgrade: "websocket",
                connection: "upgrade",
                "sec-websocket-version": "13",
                "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==",
              },
            });
            assert.ok(
              res.status === 400 || res.status === 404,
              `${path}: ${res.status}`,
            );
            await res.body?.cancel();
          }
          await assert.rejects(
            connect(server.url, `/api/rooms/${freshRoom()}/ws`, {
              headers: { origin: "https://evil.example" },
            }),
          );
          const res = await fetch(`${server.url}/api/rooms/lobby/ws`, {
            headers: {
              upgrade: "websocket",
              connection: "upgrade",
              "sec-websocket-version": "13",
              "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==",
              origin: `http://127.0.0.1:${server.port}.evil`,
            },
          });
          assert.equal(res.status, 403);
          await res.body?.cancel();
          const own = await connect(
            server.url,
            `/api/rooms/${freshRoom()}/ws`,
            {
              headers: { origin: `http://127.0.0.1:${server.port}` },
            },
          );
          await own.close();
        },
      );
    });
  },
});

Deno.test({
  name: "resume with since after more than 1,000 missed messages is truncated",
  async fn() {
    await withApp({ CHAT_RATE_LIMIT: "off" }, async (server) => {
      const room = freshRoom();
      const sender = await joined(server, { room, username: "flood" });
      for (let i = 0; i < 1005; i++) {
        sender.send({ type: "message", text: `f${i}` });
      }
      await sender.next(
        (f) => f.type === "message" && f.text === "f1004",
        20_000,
      );
      const ids = sender.received.filter((f) => f.type === "message").map((f) =>
        f.id
      );
      assert.equal(ids.length, 1005);
      assert.deepEqual([...ids].sort(), ids);
      const late = await connect(server.url, `/api/rooms/${room}/ws`);
      const welcome = await late.join("late", { since: ids[2] });
      assert.equal(welcome.truncated, true);
      assert.equal(welcome.history.length, 1000);
      assert.equal(welcome.history[0].id, ids[5]);
      assert.equal(welcome.history.at(-1).id, ids[1004]);
      const exact = await connect(server.url, `/api/rooms/${room}/ws`);
      const full = await exact.join("exact", { since: ids[4] });
      assert.equal(full.truncated, undefined);
      assert.equal(full.history.length, 1000);
      await Promise.all([sender.close(), late.close(), exact.close()]);
    });
  },
});

Deno.test({
  name: "batch: a client that asks gets events packed, others one per frame",
  async fn() {
    await withApp({ CHAT_RATE_LIMIT: "off" }, async (server) => {
      const room = freshRoom();
      const packed = await joined(server, {
        room,
        username: "packed",
        extra: { batch: true },
      });
      const plain = await joined(server, { room, username: "plain" });
      const raw: string[] = [];
      packed.socket.addEventListener("message", (e) => raw.push(e.data));
      for (let i = 0; i < 50; i++) {
        plain.send({ type: "message", text: `b${i}` });
      }
      await packed.next((f) => f.type === "message" && f.text === "b49");
      const texts = packed.received.filter((f) => f.type === "message").map((
        f,
      ) => f.text);
      assert.deepEqual(texts, Array.from({ length: 50 }, (_, i) => `b${i}`));
      assert.ok(raw.length < 50, `expected packing, got ${raw.length} frames`);
      for (const frame of raw) {
        const parsed = JSON.parse(frame);
        if (parsed.type === "batch") {
          assert.ok(
            parsed.events.every((e: Frame) =>
              e.type !== "batch" && e.type !== "welcome"
            ),
          );
        }
      }
      await Promise.all([packed.close(), plain.close()]);
    });
  },
});

Deno.test({
  name: "kv: history survives a restart; SIGTERM closes sockets with 1001",
  async fn() {
    const dir = await Deno.makeTempDir();
    try {
      const env = { CHAT_STORE: "kv", CHAT_KV_PATH: `${dir}/chat.kv` };
      const room = freshRoom();
      const first = await startServer({ env });
      const c = await joined(first, { room, username: "keeper" });
      c.send({ type: "message", text: "remember me", nonce: "r1" });
      const stored = await c.next((f) => f.type === "message");
      const code = await first.stop("SIGTERM");
      assert.equal((await c.closed).code, 1001);
      assert.equal(code, 0);
      const second = await startServer({ env });
      try {
        const d = await joined(second, { room, username: "reader" });
        assert.deepEqual(d.received[0].history, [stored]);
        d.send({ type: "message", text: "after restart" });
        const next = await d.next((f) => f.type === "message");
        assert.ok(next.id > stored.id);
        await d.close();
      } finally {
        await second.stop();
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name:
    "coalesced presence: joins and leaves arrive as presence events, never one by one",
  async fn() {
    await withApp({}, async (server) => {
      const room = freshRoom();
      const watcher = await joined(server, {
        room,
        username: "watcher",
        extra: {
          presence: "coalesced",
        },
      });
      const others = await Promise.all(
        ["a", "b", "c"].map((name) => joined(server, { room, username: name })),
      );
      // How many windows three joins span depends on the machine's speed;
      // that one window gathers them all is proven with a fake clock in
      // lib/chat/room_test.ts. Here: the wire shape, and nobody lost.
      const gathered: string[] = [];
      let presence: Frame | undefined;
      while (gathered.length < 3) {
        presence = await watcher.next((f) => f.type === "presence");
        assert.deepEqual(presence.left, []);
        gathered.push(...presence.joined);
      }
      assert.deepEqual(gathered.sort(), ["a", "b", "c"]);
      assert.equal(presence!.count, 4);
      assert.deepEqual(heldList(watcher.received).members, [
        "a",
        "b",
        "c",
        "watcher",
      ]);
      assert.equal(
        watcher.received.filter((f) => f.members !== undefined).length,
        1,
        "the whole list once, in the welcome; changes after it",
      );
      assert.ok(!watcher.received.some((f) => f.type === "joined"));
      await others[0].close();
      const left = await watcher.next((f) => f.type === "presence");
      assert.deepEqual(left.left, ["a"]);
      assert.deepEqual(left.joined, []);
      assert.equal(left.count, 3);
      assert.deepEqual(heldList(watcher.received).members, [
        "b",
        "c",
        "watcher",
      ]);
      const bad = await connect(server.url, `/api/rooms/${room}/ws`);
      assert.equal(
        (await bad.join("x", { presence: "loud" })).code,
        "bad_frame",
      );
      await Promise.all([
        watcher.close(),
        bad.close(),
        ...others.slice(1).map((o) => o.close()),
      ]);
    });
  },
});
