/** Part 2, "Accounts over HTTP", end to end against the real server. */
import assert from "node:assert/strict";
import { cookieOf, me, post, signUp } from "./support/auth.ts";
import { withApp } from "./support/app_server.ts";

Deno.test({
  name: "sign-up answers 201 {username} with a session cookie per the contract",
  fn: () =>
    withApp({}, async (server) => {
      const res = await post(server.url, {
        path: "/api/auth/signup",
        body: { username: "  Alice ", password: "correct horse" },
      });
      assert.equal(res.status, 201);
      assert.deepEqual(await res.json(), { username: "Alice" });
      const [cookie] = res.headers.getSetCookie();
      const attributes = cookie.split(";").map((a) => a.trim());
      const id = attributes[0].slice("chat_session=".length);
      assert.match(id, /^[A-Za-z0-9_-]{43}$/, "256 random bits, base64url");
      assert.ok(attributes.includes("HttpOnly"));
      assert.ok(attributes.includes("SameSite=Lax"));
      assert.ok(attributes.includes("Path=/"));
      assert.ok(!attributes.includes("Secure"), "plain http: no Secure");
      assert.ok(attributes.includes(`Max-Age=${30 * 24 * 3600}`));
      assert.deepEqual(await me(server.url, attributes[0]), {
        status: 200,
        body: { username: "Alice", kind: "account" },
      });
      assert.ok(
        !server.logs.join("\n").includes("correct horse"),
        "no password in the logs",
      );
      assert.ok(
        !server.logs.join("\n").includes(id),
        "no session id in the logs",
      );
    }),
});

Deno.test({
  name:
    "sign-up refuses bad names, weak passwords, and taken or look-alike names",
  fn: () =>
    withApp({}, async (server) => {
      const signup = async (username: unknown, password: unknown) => {
        const res = await post(server.url, {
          path: "/api/auth/signup",
          body: { username, password },
        });
        return { status: res.status, error: (await res.json()).error };
      };
      const bad = { status: 400, error: "invalid_username" };
      assert.deepEqual(await signup("", "password123"), bad);
      assert.deepEqual(await signup("a\u200bb", "password123"), bad);
      assert.deepEqual(await signup("x".repeat(33), "password123"), bad);
      const weak = { status: 400, error: "weak_password" };
      assert.deepEqual(await signup("bob", "short"), weak);
      assert.deepEqual(await signup("bob", "1234567"), weak);
      assert.deepEqual(await signup("bob", "x".repeat(257)), weak);
      assert.equal((await signup("bob", "x".repeat(256))).status, 201);
      assert.equal((await signup("alice", "12345678")).status, 201);
      const taken = { status: 409, error: "name_taken" };
      for (
        const lookAlike of [
          "alice",
          "ALICE",
          "\u0430lice", // Cyrillic а
          "\uff41lice", // fullwidth ａ
          "\u{1d41a}lice", // mathematical bold a
          "alice.",
          "Alice_",
        ]
      ) {
        assert.deepEqual(
          await signup(lookAlike, "password123"),
          taken,
          lookAlike,
        );
      }
      assert.deepEqual(await signup("paypal", "password123"), {
        status: 201,
        error: undefined,
      });
      assert.deepEqual(await signup("paypa1", "password123"), taken);
      assert.deepEqual(await signup(42, "password123"), {
        status: 400,
        error: "bad_request",
      });
      const huge = await fetch(`${server.url}/api/auth/signup`, {
        method: "POST",
        headers: { origin: server.url },
        body: JSON.stringify({ username: "x", password: "y".repeat(10_000) }),
      });
      assert.equal(huge.status, 400);
      await huge.body?.cancel();
    }),
});

Deno.test({
  name:
    "sign-in: 200 with a new session id; the same 401 for a wrong password and an unknown name",
  fn: () =>
    withApp({}, async (server) => {
      const alice = await signUp(server.url, {
        username: "alice",
        password: "correct horse",
      });
      const login = (username: string, password: string, cookie?: string) =>
        post(server.url, {
          path: "/api/auth/login",
          body: { username, password },
          headers: cookie ? { cookie } : {},
        });
      const ok = await login("ALICE", "correct horse", alice.cookie);
      assert.equal(ok.status, 200);
      assert.deepEqual(await ok.json(), { username: "alice" });
      const fresh = cookieOf(ok)!;
      assert.ok(fresh);
      assert.notEqual(fresh, alice.cookie, "a new id at each sign-in");
      assert.equal((await me(server.url, fresh)).status, 200);
      assert.equal(
        (await me(server.url, alice.cookie)).status,
        401,
        "the session it replaced is over",
      );
      const wrong = await login("alice", "wrong horse");
      const unknown = await login("nobody", "wrong horse");
      assert.equal(wrong.status, 401);
      assert.equal(unknown.status, 401);
      const wrongBody = await wrong.text();
      assert.equal(wrongBody, await unknown.text());
      assert.deepEqual(JSON.parse(wrongBody), { error: "bad_credentials" });
      assert.equal(cookieOf(wrong), undefined);
    }),
});

Deno.test({
  name:
    "five failures for one name, then 429 with Retry-After even for the right password",
  fn: () =>
    withApp({}, async (server) => {
      await signUp(server.url, {
        username: "carol",
        password: "right password",
      });
      const login = (password: string) =>
        post(server.url, {
          path: "/api/auth/login",
          body: { username: "carol", password },
        });
      for (let i = 0; i < 5; i++) {
        const res = await login(`wrong ${i}`);
        assert.equal(res.status, 401, `failure ${i + 1}`);
        await res.body?.cancel();
      }
      const limited = await login("right password");
      assert.equal(limited.status, 429);
      const retry = Number(limited.headers.get("retry-after"));
      assert.ok(retry > 800 && retry <= 900, `Retry-After ${retry}`);
      assert.equal(cookieOf(limited), undefined);
      await limited.body?.cancel();
      const other = await signUp(server.url, { username: "dave" });
      assert.ok(other.cookie, "other names are not affected");
    }),
});

Deno.test({
  name: "a burst of wrong passwords sent at once is cut off at five",
  fn: () =>
    withApp({}, async (server) => {
      await signUp(server.url, {
        username: "erin",
        password: "right password",
      });
      const answers = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          post(server.url, {
            path: "/api/auth/login",
            body: { username: "erin", password: `guess ${i}` },
          }).then(async (res) => {
            await res.body?.cancel();
            return res.status;
          })),
      );
      assert.equal(answers.filter((s) => s === 401).length, 5);
      assert.equal(answers.filter((s) => s === 429).length, 7);
    }),
});

Deno.test({
  name: "one address failing across many names is limited too",
  fn: () =>
    withApp({ CHAT_TRUSTED_PROXIES: "127.0.0.1" }, async (server) => {
      const from = (address: string, i: number) =>
        post(server.url, {
          path: "/api/auth/login",
          body: { username: `name${i}`, password: "guessing" },
          headers: { "x-forwarded-for": address },
        }).then(async (res) => {
          await res.body?.cancel();
          return res;
        });
      for (let i = 0; i < 30; i++) {
        assert.equal((await from("203.0.113.9", i)).status, 401);
      }
      const limited = await from("203.0.113.9", 99);
      assert.equal(limited.status, 429);
      assert.ok(Number(limited.headers.get("retry-after")) > 0);
      assert.equal((await from("198.51.100.1", 99)).status, 401);
    }),
});

Deno.test({
  name:
    "sign-out answers 204, revokes the session and clears the cookie; a forged cookie is nobody",
  fn: () =>
    withApp({}, async (server) => {
      const alice = await signUp(server.url, { username: "alice" });
      const out = await post(server.url, {
        path: "/api/auth/logout",
        headers: { cookie: alice.cookie },
      });
      assert.equal(out.status, 204);
      const cleared = out.headers.getSetCookie()[0];
      assert.match(cleared, /^chat_session=;/);
      assert.match(cleared, /Max-Age=0/);
      assert.deepEqual(await me(server.url, alice.cookie), {
        status: 401,
        body: { error: "unauthorized" },
      });
      for (
        const forged of [
          "chat_session=" + "A".repeat(43),
          "chat_session=../../etc",
          "chat_session=" + "x".repeat(5000),
          "chat_session=",
        ]
      ) {
        assert.equal((await me(server.url, forged)).status, 401, forged);
      }
      const res = await fetch(`${server.url}/api/auth/me`);
      assert.equal(res.status, 401);
      await res.body?.cancel();
    }),
});

Deno.test({
  name:
    "cross-site state-changing requests get 403: a foreign Origin, or no Origin with a session cookie",
  fn: () =>
    withApp(
      { ALLOWED_ORIGINS: "https://friend.example" },
      async (server) => {
        const alice = await signUp(server.url, { username: "alice" });
        const send = async (
          path: string,
          init: { method?: string; headers?: Record<string, string> },
        ) => {
          const res = await fetch(server.url + path, {
            method: init.method ?? "POST",
            headers: { "content-type": "application/json", ...init.headers },
            body: JSON.stringify({
              username: "mallory",
              password: "password123",
            }),
          });
          await res.body?.cancel();
          return res.status;
        };
        const evil = { origin: "https://evil.example" };
        assert.equal(await send("/api/auth/signup", { headers: evil }), 403);
        assert.equal(await send("/api/auth/login", { headers: evil }), 403);
        assert.equal(
          await send("/api/auth/logout", {
            headers: { ...evil, cookie: alice.cookie },
          }),
          403,
        );
        assert.equal(
          (await me(server.url, alice.cookie)).status,
          200,
          "not signed out",
        );
        assert.equal(
          await send("/api/auth/logout", { headers: { cookie: alice.cookie } }),
          403,
          "no Origin but a cookie",
        );
        assert.equal(
          await send("/api/auth/signup", {
            headers: { origin: `${server.url}.evil.example` },
          }),
          403,
          "no prefix match",
        );
        assert.equal(
          await send("/api/rooms/lobby/messages", {
            method: "DELETE",
            headers: evil,
          }),
          403,
          "every state-changing route",
        );
        assert.equal(
          await send("/api/auth/signup", {
            headers: { origin: "https://friend.example" },
          }),
          201,
          "an allowed origin",
        );
        assert.equal(
          await send("/api/auth/login", {}),
          200,
          "no Origin and no cookie: a non-browser client",
        );
        assert.equal((await me(server.url, alice.cookie)).status, 200);
      },
    ),
});

Deno.test({
  name:
    "the cookie is Secure when the page is served over https (a trusted proxy says so)",
  fn: () =>
    withApp({ CHAT_TRUSTED_PROXIES: "127.0.0.1" }, async (server) => {
      const res = await post(server.url, {
        path: "/api/auth/signup",
        body: { username: "alice", password: "password123" },
        headers: { "x-forwarded-proto": "https" },
      });
      assert.equal(res.status, 201);
      await res.body?.cancel();
      assert.match(res.headers.getSetCookie()[0], /; Secure/);
    }),
});

Deno.test({
  name: "CHAT_ACCOUNTS=off: no account routes",
  fn: () =>
    withApp({ CHAT_ACCOUNTS: "off" }, async (server) => {
      const res = await post(server.url, {
        path: "/api/auth/signup",
        body: { username: "alice", password: "password123" },
      });
      assert.equal(res.status, 404);
      await res.body?.cancel();
      const who = await fetch(`${server.url}/api/auth/me`);
      assert.equal(who.status, 404);
      await who.body?.cancel();
    }),
});

Deno.test({
  name:
    "passkey ceremonies: options only for the server's own pages, one use per challenge, taken names refused",
  fn: () =>
    withApp({}, async (server) => {
      await signUp(server.url, { username: "alice" });
      const options = await post(server.url, {
        path: "/api/auth/passkey/register/options",
        body: { username: "newcomer" },
      });
      assert.equal(options.status, 200);
      const start = await options.json();
      assert.equal(typeof start.ceremony, "string");
      assert.equal(start.options.rp.id, "127.0.0.1");
      assert.equal(start.options.user.name, "newcomer");
      assert.ok(start.options.challenge.length >= 22);
      const taken = await post(server.url, {
        path: "/api/auth/passkey/register/options",
        body: { username: "\u0430lice" },
      });
      assert.equal(taken.status, 409);
      await taken.body?.cancel();
      const forged = await post(server.url, {
        path: "/api/auth/passkey/register/verify",
        body: {
          ceremony: start.ceremony,
          response: { id: "x", rawId: "x", type: "public-key", response: {} },
        },
      });
      assert.equal(forged.status, 401);
      assert.deepEqual(await forged.json(), { error: "bad_credentials" });
      const again = await post(server.url, {
        path: "/api/auth/passkey/register/verify",
        body: { ceremony: start.ceremony, response: { id: "x" } },
      });
      assert.equal(again.status, 400, "a challenge is used once");
      await again.body?.cancel();
      const login = await post(server.url, {
        path: "/api/auth/passkey/login/options",
      });
      const ceremony = (await login.json()).ceremony;
      const unknown = await post(server.url, {
        path: "/api/auth/passkey/login/verify",
        body: { ceremony, response: { id: "no-such-credential" } },
      });
      assert.equal(unknown.status, 401);
      await unknown.body?.cancel();
      const noOrigin = await fetch(
        `${server.url}/api/auth/passkey/login/options`,
        { method: "POST" },
      );
      assert.equal(noOrigin.status, 400, "not from this server's own page");
      await noOrigin.body?.cancel();
      const foreign = await fetch(
        `${server.url}/api/auth/passkey/login/options`,
        { method: "POST", headers: { origin: "https://evil.example" } },
      );
      assert.equal(foreign.status, 403);
      await foreign.body?.cancel();
    }),
});
