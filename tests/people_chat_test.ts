/** Part 2, "Who is speaking", "Tokens for embedding sites" and "Who is in the room", over real sockets. */
import assert from "node:assert/strict";
import { SignJWT } from "jose";
import { signUp } from "./support/auth.ts";
import { withApp } from "./support/app_server.ts";
import { connect, type Frame, freshRoom, joined } from "./support/ws_client.ts";
import { heldList } from "./support/member_lists.ts";

const SECRET = "an-embedding-site-secret-of-32-characters-or-more";
const env = { CHAT_TOKEN_SECRET: SECRET };
/** Generous: the suite runs on a busy 2-core machine. */
const JOIN_TIMEOUT_MS = 15_000;

function token(
  claims: Record<string, unknown>,
  secret = SECRET,
): Promise<string> {
  return new SignJWT({ exp: Math.floor(Date.now() / 1000) + 600, ...claims })
    .setProtectedHeader({ alg: "HS256" })
    .sign(new TextEncoder().encode(secret));
}

function open(
  base: string,
  room: string,
  options: { cookie?: string; query?: string } = {},
) {
  return connect(base, `/api/rooms/${room}/ws${options.query ?? ""}`, {
    headers: options.cookie ? { cookie: options.cookie } : undefined,
  });
}

function join(client: Awaited<ReturnType<typeof open>>, frame: Frame) {
  client.send({ type: "join", ...frame });
  return client.next(
    (f) => f.type === "welcome" || f.type === "error",
    JOIN_TIMEOUT_MS,
  );
}

Deno.test({
  name:
    "a signed-in person joins without a name; a given name must be the account's",
  fn: () =>
    withApp(env, async (server) => {
      const alice = await signUp(server.url, { username: "Alice" });
      const room = freshRoom();
      const socket = await open(server.url, room, { cookie: alice.cookie });
      const wrong = await join(socket, { username: "bob" });
      assert.equal(wrong.type, "error");
      assert.equal(wrong.code, "invalid_username");
      const welcome = await join(socket, { username: "alice" });
      assert.equal(welcome.type, "welcome", JSON.stringify(welcome));
      assert.equal(welcome.username, "Alice");
      const tab = await open(server.url, room, { cookie: alice.cookie });
      const second = await join(tab, {});
      assert.equal(second.username, "Alice", "a second tab shares the name");
      assert.deepEqual(second.people, [
        { username: "Alice", kind: "account", role: "member" },
      ]);
      await Promise.all([socket.close(), tab.close()]);
    }),
});

Deno.test({
  name:
    "an account's name is reserved for guests, look-alikes too; guests' names are compared by look-alike key",
  fn: () =>
    withApp(env, async (server) => {
      await signUp(server.url, { username: "alice" });
      const room = freshRoom();
      const guest = await open(server.url, room);
      for (
        const name of [
          "alice",
          "ALICE",
          "\u0430lice", // Cyrillic а
          "\uff41\uff4c\uff49\uff43\uff45", // fullwidth
          "\u{1d41a}\u{1d425}\u{1d422}\u{1d41c}\u{1d41e}", // mathematical bold
          "alice.",
          "_alice",
        ]
      ) {
        const answer = await join(guest, { username: name });
        assert.equal(answer.code, "name_taken", name);
      }
      const bob = await joined(server, { room, username: "bob  smith" });
      for (
        const name of [
          "BOB SMITH",
          "bob smith",
          "b\u043eb smith",
          "bob_smith",
          "bob smith.",
        ]
      ) {
        const answer = await join(guest, { username: name });
        assert.equal(answer.code, "name_taken", name);
      }
      const ok = await join(guest, { username: "carol" });
      assert.equal(ok.type, "welcome");
      await Promise.all([guest.close(), bob.close()]);
    }),
});

Deno.test({
  name: "people beside members, with kind and role; messages carry kind",
  fn: () =>
    withApp(env, async (server) => {
      const alice = await signUp(server.url, { username: "alice" });
      const room = freshRoom();
      const bob = await joined(server, { room, username: "bob" });
      const socket = await open(server.url, room, { cookie: alice.cookie });
      const welcome = await join(socket, {});
      assert.deepEqual(welcome.members, ["alice", "bob"]);
      assert.deepEqual(welcome.people, [
        { username: "alice", kind: "account", role: "member" },
        { username: "bob", kind: "guest", role: "member" },
      ]);
      const seen = await bob.next((f) => f.type === "joined");
      assert.deepEqual(seen.people, welcome.people);
      const site = await open(server.url, room);
      const dee = await join(site, {
        token: await token({ sub: "u7", name: "dee" }),
      });
      assert.equal(dee.type, "welcome", JSON.stringify(dee));
      assert.deepEqual(dee.people.map((p: Frame) => p.kind), [
        "account",
        "guest",
        "token",
      ]);
      socket.send({ type: "message", text: "from an account" });
      bob.send({ type: "message", text: "from a guest" });
      site.send({ type: "message", text: "from a token" });
      const kinds = new Map<string, string>();
      while (kinds.size < 3) {
        const message = await site.next((f) => f.type === "message");
        kinds.set(message.text, message.kind);
      }
      assert.deepEqual(Object.fromEntries(kinds), {
        "from an account": "account",
        "from a guest": "guest",
        "from a token": "token",
      });
      const history = await fetch(`${server.url}/api/rooms/${room}/messages`)
        .then((r) => r.json());
      assert.deepEqual(
        history.messages.map((m: Frame) => m.kind).sort(),
        ["account", "guest", "token"],
      );
      await site.close();
      const left = await bob.next((f) => f.type === "left");
      assert.equal(left.username, "dee");
      assert.deepEqual(left.people, [
        { username: "alice", kind: "account", role: "member" },
        { username: "bob", kind: "guest", role: "member" },
      ]);
      await Promise.all([socket.close(), bob.close()]);
    }),
});

Deno.test({
  name: "coalesced presence events carry people too",
  fn: () =>
    withApp(env, async (server) => {
      const room = freshRoom();
      const watcher = await joined(server, {
        room,
        username: "watcher",
        extra: { presence: "coalesced" },
      });
      const alice = await signUp(server.url, { username: "alice" });
      const socket = await open(server.url, room, { cookie: alice.cookie });
      await join(socket, {});
      const event = await watcher.next((f) => f.type === "presence");
      assert.deepEqual(event.joined, ["alice"]);
      assert.deepEqual(event.people, [
        { username: "alice", kind: "account", role: "member" },
      ]);
      assert.equal(event.count, 2);
      assert.deepEqual(heldList(watcher.received).people, [
        { username: "alice", kind: "account", role: "member" },
        { username: "watcher", kind: "guest", role: "member" },
      ]);
      await Promise.all([socket.close(), watcher.close()]);
    }),
});

Deno.test({
  name:
    "tokens: in join or ?token= (the same one if both); bad, expired, re-signed or other-room tokens get unauthorized and the socket stays open",
  fn: () =>
    withApp(env, async (server) => {
      const room = freshRoom();
      const socket = await open(server.url, room);
      const past = Math.floor(Date.now() / 1000) - 60;
      const refusedTokens = [
        "not-a-jwt",
        await token({ sub: "u1", name: "zed", exp: past }),
        await token(
          { sub: "u1", name: "zed" },
          "another-secret-that-is-32-characters-long",
        ),
        await token({ sub: "u1", name: "zed", rooms: ["elsewhere"] }),
        await token({ name: "zed" }),
        await token({ sub: "u1", name: "bad\u200bname" }),
      ];
      for (const bad of refusedTokens) {
        const answer = await join(socket, { token: bad });
        assert.equal(answer.code, "unauthorized", bad);
      }
      const good = await token({ sub: "u1", name: "Zed", rooms: [room] });
      const wrongName = await join(socket, {
        token: good,
        username: "someone",
      });
      assert.equal(wrongName.code, "invalid_username");
      const welcome = await join(socket, { token: good });
      assert.equal(welcome.type, "welcome");
      assert.equal(welcome.username, "Zed");
      const viaUrl = await open(server.url, room, { query: `?token=${good}` });
      assert.equal(
        (await join(viaUrl, {})).username,
        "Zed",
        "same sub shares the name",
      );
      const both = await open(server.url, room, { query: `?token=${good}` });
      const other = await token({ sub: "u2", name: "yan" });
      assert.equal((await join(both, { token: other })).code, "unauthorized");
      assert.equal((await join(both, { token: good })).type, "welcome");
      const impostor = await open(server.url, room);
      const logs = server.logs.join("\n");
      assert.ok(!logs.includes(good), "no token in the logs");
      assert.match(logs, /token_refused/);
      const clash = await join(impostor, {
        token: await token({ sub: "u3", name: "zed" }),
      });
      assert.equal(
        clash.code,
        "name_taken",
        "another sub may not hold the name",
      );
      await Promise.all([
        socket.close(),
        viaUrl.close(),
        both.close(),
        impostor.close(),
      ]);
    }),
});

Deno.test({
  name: "a token user may not take an account's name",
  fn: () =>
    withApp(env, async (server) => {
      await signUp(server.url, { username: "alice" });
      const socket = await open(server.url, freshRoom());
      const answer = await join(socket, {
        token: await token({ sub: "x", name: "\u0430lice" }),
      });
      assert.equal(answer.code, "name_taken");
      await socket.close();
    }),
});

Deno.test({
  name:
    "a guest without a name gets bad_frame; after sign-out the old cookie is nobody",
  fn: () =>
    withApp(env, async (server) => {
      const alice = await signUp(server.url, { username: "alice" });
      const out = await fetch(`${server.url}/api/auth/logout`, {
        method: "POST",
        headers: { origin: server.url, cookie: alice.cookie },
      });
      assert.equal(out.status, 204);
      const socket = await open(server.url, freshRoom(), {
        cookie: alice.cookie,
      });
      assert.equal((await join(socket, {})).code, "bad_frame");
      assert.equal(
        (await join(socket, { username: "alice" })).code,
        "name_taken",
      );
      await socket.close();
    }),
});

Deno.test({
  name:
    "CHAT_ACCOUNTS=required: guests read but get unauthorized on join; accounts and tokens join",
  fn: () =>
    withApp({ ...env, CHAT_ACCOUNTS: "required" }, async (server) => {
      const room = freshRoom();
      const guest = await open(server.url, room);
      assert.equal(
        (await join(guest, { username: "visitor" })).code,
        "unauthorized",
      );
      const alice = await signUp(server.url, { username: "alice" });
      const socket = await open(server.url, room, { cookie: alice.cookie });
      assert.equal((await join(socket, {})).type, "welcome");
      socket.send({ type: "message", text: "hello" });
      await socket.next((f) => f.type === "message");
      const page = await fetch(`${server.url}/chat/${room}`);
      assert.equal(page.status, 200);
      assert.match(await page.text(), /hello/);
      const history = await fetch(`${server.url}/api/rooms/${room}/messages`);
      assert.equal(history.status, 200);
      await history.body?.cancel();
      const site = await open(server.url, room);
      assert.equal(
        (await join(site, { token: await token({ sub: "s", name: "sam" }) }))
          .type,
        "welcome",
      );
      assert.equal(
        (await join(guest, { username: "visitor" })).code,
        "unauthorized",
      );
      await Promise.all([guest.close(), socket.close(), site.close()]);
    }),
});

Deno.test({
  name: "CHAT_ACCOUNTS=off: guests only, tokens are not read",
  fn: () =>
    withApp({ ...env, CHAT_ACCOUNTS: "off" }, async (server) => {
      const socket = await open(server.url, freshRoom());
      const answer = await join(socket, {
        token: await token({ sub: "s", name: "sam" }),
      });
      assert.equal(answer.code, "bad_frame");
      const welcome = await join(socket, { username: "sam" });
      assert.equal(welcome.type, "welcome");
      assert.deepEqual(welcome.people, [{
        username: "sam",
        kind: "guest",
        role: "member",
      }]);
      await socket.close();
    }),
});

Deno.test({
  name: "roles in people: the room's owner, and CHAT_ADMINS as moderators",
  fn: () =>
    withApp({ ...env, CHAT_ADMINS: "Root" }, async (server) => {
      const owner = await signUp(server.url, { username: "olga" });
      const root = await signUp(server.url, { username: "root" });
      const room = freshRoom();
      const made = await fetch(`${server.url}/api/rooms`, {
        method: "POST",
        headers: { origin: server.url, cookie: owner.cookie },
        body: JSON.stringify({ room, visibility: "public" }),
      });
      assert.equal(made.status, 201);
      await made.body?.cancel();
      const a = await open(server.url, room, { cookie: owner.cookie });
      await join(a, {});
      const b = await open(server.url, room, { cookie: root.cookie });
      const welcome = await join(b, {});
      assert.deepEqual(welcome.people, [
        { username: "olga", kind: "account", role: "owner" },
        { username: "root", kind: "account", role: "moderator" },
      ]);
      const wrongRoom = await open(server.url, room, {
        query: `?token=${await token({
          sub: "s",
          name: "sam",
          rooms: ["other"],
        })}`,
      });
      assert.equal((await join(wrongRoom, {})).code, "unauthorized");
      await Promise.all([a.close(), b.close(), wrongRoom.close()]);
    }),
});
