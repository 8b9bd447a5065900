import assert from "node:assert/strict";
import { FakeClock } from "../../fake_clock.ts";
import { CLAIM_BATCH, KvPresence, MEMBERS_CACHE_MS } from "./presence.ts";
import { testPresenceConformance } from "../../chat/presence_conformance.ts";
import { within } from "../../../tests/support/within.ts";

testPresenceConformance("kv", async (count) => {
  const kv = await Deno.openKv(":memory:");
  const views = Array.from({ length: count }, () => new KvPresence({ kv }));
  const close = views[0].close.bind(views[0]);
  views[0].close = async () => {
    for (const view of views) if (view !== views[0]) await view.close();
    await close();
    kv.close();
  };
  return views;
});

Deno.test("kv presence: isolates share names; a silent isolate's people are reaped and announced", async () => {
  const dir = await Deno.makeTempDir();
  const kvA = await Deno.openKv(`${dir}/p.kv`);
  const kvB = await Deno.openKv(`${dir}/p.kv`);
  const expired: [string, string[]][] = [];
  const announced = Promise.withResolvers<void>();
  // One clock for both, moved only on purpose: on a loaded machine a real
  // 300 ms TTL can lapse between two claims and make a live isolate look dead.
  const clock = new FakeClock();
  const a = new KvPresence({ kv: kvA, ttlMs: 300, clock });
  const b = new KvPresence({
    kv: kvB,
    ttlMs: 300,
    clock,
    onExpired: (room, names) => {
      expired.push([room, names]);
      announced.resolve();
    },
  });
  try {
    assert.equal(
      await a.claim("r", { username: "Ann", canonical: "ann", clientId: "x" }),
      "first",
    );
    assert.equal(
      await b.claim("r", { username: "ANN", canonical: "ann", clientId: "y" }),
      "taken",
    );
    assert.equal(
      await b.claim("r", { username: "Ann", canonical: "ann", clientId: "x" }),
      "again",
    );
    assert.equal(
      await b.claim("r", { username: "bob", canonical: "bob" }),
      "first",
    );
    assert.deepEqual(await a.members("r"), ["Ann", "bob"]);
    assert.equal(await a.release("r", "ann"), false);
    assert.equal(await b.release("r", "ann"), true);
    await a.claim("r", { username: "Cy", canonical: "cy" });
    await a.close();
    assert.deepEqual(await b.members("r"), ["bob"]);
    assert.deepEqual(await b.rooms(), [{ room: "r", online: 1 }]);
    clock.tick(300);
    await within(announced.promise, {
      what: "the dead server's people announced",
    });
    assert.deepEqual(expired, [["r", ["Cy"]]]);
  } finally {
    await b.close();
    kvA.close();
    kvB.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("kv presence: a server that stops beating is gone after the TTL, not before, and its people are announced", async () => {
  const kv = await Deno.openKv(":memory:");
  const start = 1_700_000_000_000;
  const clock = new FakeClock(start);
  const expired: [string, string[]][] = [];
  const announced = Promise.withResolvers<void>();
  // Its clock never moves: it beats once, at start, and never again.
  const silent = new KvPresence({
    kv,
    ttlMs: 300,
    clock: new FakeClock(start),
  });
  const live = new KvPresence({
    kv,
    ttlMs: 300,
    clock,
    onExpired: (room, names) => {
      expired.push([room, names]);
      announced.resolve();
    },
  });
  try {
    await silent.claim("r", { username: "Cy", canonical: "cy" });
    assert.deepEqual(await live.members("r"), ["Cy"]);
    clock.tick(299);
    assert.ok(299 > MEMBERS_CACHE_MS, "the next read asks KV");
    assert.deepEqual(await live.members("r"), ["Cy"], "alive within the TTL");
    clock.tick(1);
    await within(announced.promise, { what: "Cy announced as gone" });
    assert.deepEqual(expired, [["r", ["Cy"]]]);
    assert.deepEqual(await live.members("r"), []);
  } finally {
    await live.close();
    await silent.close();
    kv.close();
  }
});

Deno.test("kv presence: a member list read right after a claim always holds the claimer, even under a storm", async () => {
  const kv = await Deno.openKv(":memory:");
  const presence = new KvPresence({ kv });
  try {
    const results = await Promise.all(
      Array.from({ length: 40 }, async (_, i) => {
        const username = `u${i}`;
        await presence.claim("r", { username, canonical: username });
        return { username, members: await presence.members("r") };
      }),
    );
    for (const { username, members } of results) {
      assert.ok(members.includes(username), `${username} missing`);
    }
    assert.equal((await presence.members("r")).length, 40);
  } finally {
    await presence.close();
    kv.close();
  }
});

Deno.test("kv presence: a join storm's claims share commits, and a name claimed twice in one storm is decided in order", async () => {
  const kv = await Deno.openKv(":memory:");
  const presence = new KvPresence({ kv });
  try {
    const outcomes = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        presence.claim(`r${i % 4}`, {
          username: `U${i}`,
          canonical: `u${i}`,
          clientId: `c${i}`,
        })),
    );
    assert.deepEqual(new Set(outcomes), new Set(["first"]));
    assert.ok(
      presence.claimCommits <= 200 / CLAIM_BATCH + 2,
      `${presence.claimCommits} commits for 200 claims`,
    );
    assert.equal((await presence.members("r0")).length, 50);
    const again = await Promise.all([
      presence.claim("s", { username: "Ann", canonical: "ann", clientId: "x" }),
      presence.claim("s", { username: "ANN", canonical: "ann", clientId: "y" }),
      presence.claim("s", { username: "Ann", canonical: "ann", clientId: "x" }),
    ]);
    assert.deepEqual(again, ["first", "taken", "again"]);
    assert.equal(await presence.release("s", "ann"), false);
    assert.equal(await presence.release("s", "ann"), true);
  } finally {
    await presence.close();
    kv.close();
  }
});
