import assert from "node:assert/strict";
import { FakeClock } from "../fake_clock.ts";
import { SESSION_TTL_MS, sessionStoreKey } from "./session_ids.ts";
import { MemoryAccounts } from "../backends/memory/accounts.ts";
import { SESSION_TOUCH_INTERVAL_MS, Sessions } from "./sessions.ts";

const alice = { canonical: "alice", username: "Alice" };

Deno.test("a session is stored under a hash of its id, never the id", async () => {
  const store = new MemoryAccounts();
  const sessions = new Sessions(store);
  const id = await sessions.start(alice);
  assert.equal(await store.session(id), null);
  assert.equal(
    (await store.session(await sessionStoreKey(id)))?.canonical,
    "alice",
  );
  assert.notEqual(await sessions.start(alice), id, "a new id each time");
});

Deno.test("use slides the 30-day end forward, at most once an hour", async () => {
  const store = new MemoryAccounts();
  const clock = new FakeClock(Date.now());
  const sessions = new Sessions(store, clock);
  const id = await sessions.start(alice);
  const started = clock.now();
  const key = await sessionStoreKey(id);
  clock.tick(SESSION_TOUCH_INTERVAL_MS - 1);
  const first = await sessions.resolve(id);
  assert.equal(first?.touched, false, "under an hour old: no write");
  assert.equal(first?.record.expiresAt, started + SESSION_TTL_MS);
  clock.tick(1);
  const slid = await sessions.resolve(id);
  assert.equal(slid?.touched, true);
  assert.equal(slid!.record.expiresAt, clock.now() + SESSION_TTL_MS);
  assert.equal((await store.session(key))?.expiresAt, slid!.record.expiresAt);
});

Deno.test("an expired or ended session resolves to nobody", async () => {
  const store = new MemoryAccounts();
  const sessions = new Sessions(store);
  const id = await sessions.start(alice);
  await sessions.end(id);
  assert.equal(await sessions.resolve(id), null);
  const stale = await sessions.start(alice);
  await store.putSession(await sessionStoreKey(stale), {
    ...alice,
    expiresAt: Date.now() - 1,
  });
  assert.equal(await sessions.resolve(stale), null);
});
