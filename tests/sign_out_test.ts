/** Signing out ends the sockets opened with that sign-in session, on every server; other sockets go on. */
import assert from "node:assert/strict";
import { cookieOf, post, signUp } from "./support/auth.ts";
import { redisSkipReason, startRedis } from "./support/redis.ts";
import { type RunningApp, startApp } from "./support/app_server.ts";
import { connect, freshRoom, type TestClient } from "./support/ws_client.ts";

/** Generous: the suite runs on a busy 2-core machine. */
const WAIT_MS = 15_000;

async function joinAs(
  server: RunningApp,
  options: { room: string; cookie?: string; username?: string },
): Promise<TestClient> {
  const client = await connect(server.url, `/api/rooms/${options.room}/ws`, {
    headers: options.cookie ? { cookie: options.cookie } : undefined,
  });
  client.send({ type: "join", username: options.username });
  const welcome = await client.next(
    (f) => f.type === "welcome" || f.type === "error",
    WAIT_MS,
  );
  assert.equal(welcome.type, "welcome", JSON.stringify(welcome));
  return client;
}

async function assertSignedOut(client: TestClient): Promise<void> {
  const error = await client.next((f) => f.type === "error", WAIT_MS);
  assert.equal(error.code, "unauthorized");
  assert.match(error.message, /signed out/);
  assert.equal((await client.closed).code, 4001);
}

/** A message sent after the sign-out comes back: the socket is still in the room. */
async function assertStillIn(client: TestClient, text: string): Promise<void> {
  client.send({ type: "message", text });
  const echo = await client.next(
    (f) => f.type === "message" && f.text === text,
    WAIT_MS,
  );
  assert.equal(echo.text, text);
}

async function signOutScenario(servers: RunningApp[]): Promise<void> {
  const [a, b] = [servers[0], servers.at(-1)!];
  const room = freshRoom("signout");
  const alice = await signUp(a.url, {
    username: "alice",
    password: "password123",
  });
  const login = await post(b.url, {
    path: "/api/auth/login",
    body: { username: "alice", password: "password123" },
  });
  assert.equal(login.status, 200);
  await login.body?.cancel();
  const otherDevice = cookieOf(login)!;
  const bob = await signUp(b.url, {
    username: "bob",
    password: "password123",
  });
  const aliceOnA = await joinAs(a, { room, cookie: alice.cookie });
  const aliceOnB = await joinAs(b, { room, cookie: alice.cookie });
  const aliceElsewhere = await joinAs(b, { room, cookie: otherDevice });
  const bobOnA = await joinAs(a, { room, cookie: bob.cookie });
  const guest = await joinAs(b, { room, username: "carol" });
  try {
    const out = await post(a.url, {
      path: "/api/auth/logout",
      headers: { cookie: alice.cookie },
    });
    assert.equal(out.status, 204);
    await Promise.all([assertSignedOut(aliceOnA), assertSignedOut(aliceOnB)]);
    await assertStillIn(aliceElsewhere, "my other device is still signed in");
    await assertStillIn(bobOnA, "bob stays");
    await assertStillIn(guest, "the guest stays");
    const aliceAgain = await connect(a.url, `/api/rooms/${room}/ws`, {
      headers: { cookie: alice.cookie },
    });
    aliceAgain.send({ type: "join", username: "alice" });
    const refused = await aliceAgain.next((f) => f.type === "error", WAIT_MS);
    assert.equal(refused.code, "name_taken", "the old cookie is a guest now");
    await aliceAgain.close();
  } finally {
    for (const c of [aliceOnA, aliceOnB, aliceElsewhere, bobOnA, guest]) {
      await c.close();
    }
  }
}

Deno.test({
  name: "sign-out closes that session's sockets with 4001 (memory store)",
  async fn() {
    const server = await startApp({ env: { CHAT_STORE: "memory" } });
    try {
      await signOutScenario([server]);
    } finally {
      await server.stop();
    }
  },
});

Deno.test({
  name:
    "sign-out on one server closes that session's sockets on the other (Redis)",
  ignore: redisSkipReason() !== undefined,
  async fn() {
    const redis = await startRedis();
    const env = { CHAT_STORE: "redis", REDIS_URL: redis.url };
    const [a, b] = await Promise.all([
      startApp({ env }),
      startApp({ env }),
    ]);
    try {
      await signOutScenario([a, b]);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
      await redis.stop();
    }
  },
});
