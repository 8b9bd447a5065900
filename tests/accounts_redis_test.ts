/** Two server processes on one Redis share accounts and sessions: sign-in and sign-out hold on both at once. */
import assert from "node:assert/strict";
import { cookieOf, me, post, signUp } from "./support/auth.ts";
import { redisSkipReason, startRedis } from "./support/redis.ts";
import { startApp } from "./support/app_server.ts";
import { connect, freshRoom } from "./support/ws_client.ts";

const skip = redisSkipReason();

Deno.test({
  name:
    "a session made on one server is valid on the other, and sign-out ends it on both at once",
  ignore: skip !== undefined,
  async fn() {
    const redis = await startRedis();
    const env = { CHAT_STORE: "redis", REDIS_URL: redis.url };
    const [a, b] = await Promise.all([
      startApp({ env }),
      startApp({ env }),
    ]);
    try {
      const alice = await signUp(a.url, {
        username: "alice",
        password: "password123",
      });
      assert.deepEqual(await me(b.url, alice.cookie), {
        status: 200,
        body: { username: "alice", kind: "account" },
      });
      const taken = await post(b.url, {
        path: "/api/auth/signup",
        body: { username: "\u0430lice", password: "password123" },
      });
      assert.equal(
        taken.status,
        409,
        "a look-alike is refused on the other server",
      );
      await taken.body?.cancel();
      const login = await post(b.url, {
        path: "/api/auth/login",
        body: { username: "alice", password: "password123" },
      });
      assert.equal(login.status, 200);
      await login.body?.cancel();
      const second = cookieOf(login)!;
      assert.equal((await me(a.url, second)).status, 200);
      const room = freshRoom();
      const onB = await connect(b.url, `/api/rooms/${room}/ws`, {
        headers: { cookie: alice.cookie },
      });
      onB.send({ type: "join" });
      const welcome = await onB.next((f) => f.type === "welcome");
      assert.deepEqual(welcome.people, [
        { username: "alice", kind: "account", role: "member" },
      ]);
      onB.send({ type: "message", text: "stored with its owner" });
      const said = await onB.next((f) => f.type === "message");
      assert.equal(said.kind, "account");
      const history = await fetch(`${a.url}/api/rooms/${room}/messages`)
        .then((r) => r.json());
      assert.deepEqual(
        history.messages.map((m: { kind?: string }) => m.kind),
        ["account"],
        "kind read back from Redis on the other server",
      );
      const guestOnA = await connect(a.url, `/api/rooms/${room}/ws`);
      const refused = await guestOnA.join("ALICE");
      assert.equal(refused.code, "name_taken", "reserved on the other server");
      await guestOnA.close();
      const out = await post(b.url, {
        path: "/api/auth/logout",
        headers: { cookie: alice.cookie },
      });
      assert.equal(out.status, 204);
      assert.equal(
        (await me(a.url, alice.cookie)).status,
        401,
        "revoked on A at once",
      );
      assert.equal((await me(b.url, alice.cookie)).status, 401);
      assert.equal(
        (await me(a.url, second)).status,
        200,
        "the other session lives",
      );
      for (let i = 0; i < 5; i++) {
        const target = i % 2 ? a : b;
        const res = await post(target.url, {
          path: "/api/auth/login",
          body: { username: "alice", password: "wrong" },
        });
        assert.equal(res.status, 401);
        await res.body?.cancel();
      }
      const limited = await post(a.url, {
        path: "/api/auth/login",
        body: { username: "alice", password: "password123" },
      });
      assert.equal(limited.status, 429, "failures counted across servers");
      await limited.body?.cancel();
    } finally {
      await Promise.all([a.stop(), b.stop()]);
      await redis.stop();
    }
  },
});
