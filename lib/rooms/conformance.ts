import assert from "node:assert/strict";
import {
  defaultSettings,
  MAX_AUDIT_ENTRIES,
  MAX_SEEN_KEYS,
  type RoomStore,
} from "./room_store.ts";

/** Opens a fresh, empty room store for one conformance case. */
export type RoomStoreFactory = () => Promise<RoomStore>;

function owned(room: string) {
  return {
    ...defaultSettings(room),
    owner: "olga",
    visibility: "private" as const,
    createdAt: 1,
  };
}

const CASES: Record<string, (rooms: RoomStore) => Promise<void>> = {
  "a room is created once, read back and patched": async (rooms) => {
    assert.equal(await rooms.get("r"), null);
    assert.equal(await rooms.create(owned("r")), true);
    assert.equal(await rooms.create({ ...owned("r"), owner: "eve" }), false);
    assert.deepEqual(await rooms.get("r"), owned("r"));
    const patched = await rooms.update("r", {
      topic: "tea ☕",
      slowModeS: 5,
      moderators: ["mo"],
    });
    assert.deepEqual(patched, {
      ...owned("r"),
      topic: "tea ☕",
      slowModeS: 5,
      moderators: ["mo"],
    });
    assert.deepEqual(await rooms.get("r"), patched);
    assert.deepEqual(
      (await rooms.update("r", { moderators: [] }))?.moderators,
      [],
    );
    assert.equal(await rooms.update("nobody", { topic: "x" }), null);
    assert.equal(await rooms.get("nobody"), null);
  },
  "concurrent creation: exactly one wins": async (rooms) => {
    const results = await Promise.all(
      Array.from(
        { length: 8 },
        (_, i) => rooms.create({ ...owned("race"), owner: `o${i}` }),
      ),
    );
    assert.equal(results.filter(Boolean).length, 1);
  },
  "memberships: added, found by any key, listed, removed": async (rooms) => {
    await rooms.addMember("r", { key: "a:bob", username: "Bob", since: 10 });
    await rooms.addMember("r", { key: "t:42", username: "Tok", since: 20 });
    await rooms.addMember("r", { key: "a:bob", username: "Bob", since: 30 });
    assert.deepEqual(await rooms.member("r", ["g:x", "a:bob"]), {
      key: "a:bob",
      username: "Bob",
      since: 10,
    });
    assert.equal(await rooms.member("r", ["a:eve"]), null);
    assert.equal(await rooms.member("r", []), null);
    assert.equal(await rooms.member("other", ["a:bob"]), null);
    assert.deepEqual((await rooms.members("r")).map((m) => m.key), [
      "a:bob",
      "t:42",
    ]);
    assert.equal(await rooms.removeMember("r", "a:bob"), true);
    assert.equal(await rooms.removeMember("r", "a:bob"), false);
    assert.deepEqual((await rooms.members("r")).map((m) => m.key), ["t:42"]);
  },
  "an invite is used at most maxUses times, even all at once": async (
    rooms,
  ) => {
    const now = Date.now();
    await rooms.createInvite({
      code: "c1",
      room: "r",
      by: "olga",
      expiresAt: now + 60_000,
      maxUses: 3,
      uses: 0,
    });
    const uses = await Promise.all(
      Array.from({ length: 10 }, () => rooms.useInvite("c1", now)),
    );
    assert.equal(uses.filter((u) => u.ok).length, 3);
    assert.deepEqual(uses.find((u) => u.ok), { ok: true, room: "r" });
    assert.deepEqual(await rooms.useInvite("c1", now), {
      ok: false,
      reason: "gone",
    });
    assert.deepEqual(await rooms.useInvite("nope", now), {
      ok: false,
      reason: "unknown",
    });
  },
  "an expired invite is gone": async (rooms) => {
    const now = Date.now();
    await rooms.createInvite({
      code: "c2",
      room: "r",
      by: "olga",
      expiresAt: now + 60_000,
      maxUses: 10,
      uses: 0,
    });
    assert.equal((await rooms.useInvite("c2", now + 60_001)).ok, false);
    assert.equal((await rooms.useInvite("c2", now)).ok, true);
  },
  "bans and mutes: by any key, with or without an end, lifted": async (
    rooms,
  ) => {
    const now = Date.now();
    await rooms.sanction("r", {
      keys: ["g:c1", "ip:10.0.0.1"],
      sanction: {
        kind: "ban",
        username: "troll",
        by: "mo",
        until: null,
        reason: "spam",
      },
    });
    await rooms.sanction("r", {
      keys: ["a:bob"],
      sanction: { kind: "mute", username: "bob", by: "mo", until: now + 1000 },
    });
    assert.deepEqual(
      await rooms.sanctions("r", { keys: ["ip:10.0.0.1"], now }),
      [
        {
          kind: "ban",
          username: "troll",
          by: "mo",
          until: null,
          reason: "spam",
        },
      ],
    );
    assert.deepEqual(
      (await rooms.sanctions("r", { keys: ["a:bob"], now })).map((s) => s.kind),
      ["mute"],
    );
    assert.deepEqual(
      await rooms.sanctions("r", { keys: ["a:bob"], now: now + 1000 }),
      [],
    );
    assert.deepEqual(
      await rooms.sanctions("other", { keys: ["g:c1"], now }),
      [],
    );
    assert.deepEqual(await rooms.sanctions("r", { keys: [], now }), []);
    assert.equal(
      await rooms.lift("r", {
        keys: ["g:c1", "ip:10.0.0.1", "g:zz"],
        kind: "ban",
      }),
      2,
    );
    assert.deepEqual(
      await rooms.sanctions("r", { keys: ["g:c1", "ip:10.0.0.1"], now }),
      [],
    );
  },
  "of two sanctions of a kind, the longer holds": async (rooms) => {
    const now = Date.now();
    const ban = { kind: "ban" as const, username: "x", by: "mo" };
    await rooms.sanction("r", {
      keys: ["g:1"],
      sanction: { ...ban, until: now + 5000 },
    });
    await rooms.sanction("r", {
      keys: ["ip:1"],
      sanction: { ...ban, until: null },
    });
    assert.deepEqual(
      (await rooms.sanctions("r", { keys: ["g:1", "ip:1"], now })).map((s) =>
        s.until
      ),
      [null],
    );
  },
  "names remember their keys, newest first, a few at most": async (rooms) => {
    assert.deepEqual(await rooms.recall("r", "bob"), []);
    await rooms.remember("r", { canonical: "bob", keys: ["g:1", "ip:a"] });
    await rooms.remember("r", { canonical: "bob", keys: ["g:2", "ip:a"] });
    assert.deepEqual(await rooms.recall("r", "bob"), ["g:2", "ip:a", "g:1"]);
    for (let i = 0; i < 10; i++) {
      await rooms.remember("r", { canonical: "bob", keys: [`g:x${i}`] });
    }
    assert.equal((await rooms.recall("r", "bob")).length, MAX_SEEN_KEYS);
    assert.deepEqual(await rooms.recall("other", "bob"), []);
  },
  "the audit log: newest first, bounded": async (rooms) => {
    for (let i = 0; i < 3; i++) {
      await rooms.audit("r", {
        action: "kick",
        by: "mo",
        target: `t${i}`,
        ts: i,
      });
    }
    await rooms.audit("r", {
      action: "ban",
      by: "mo",
      target: "z",
      ts: 9,
      reason: "why",
    });
    assert.deepEqual(await rooms.auditLog("r", 2), [
      { action: "ban", by: "mo", target: "z", ts: 9, reason: "why" },
      { action: "kick", by: "mo", target: "t2", ts: 2 },
    ]);
    assert.deepEqual(await rooms.auditLog("other", 10), []);
    for (let i = 0; i < MAX_AUDIT_ENTRIES + 5; i++) {
      await rooms.audit("big", {
        action: "kick",
        by: "m",
        target: String(i),
        ts: i,
      });
    }
    const log = await rooms.auditLog("big", MAX_AUDIT_ENTRIES + 10);
    assert.equal(log.length, MAX_AUDIT_ENTRIES);
    assert.equal(log[0].target, String(MAX_AUDIT_ENTRIES + 4));
  },
  "slow mode: one slot per key until it runs out": async (rooms) => {
    assert.equal(await rooms.takeSlot("r", { key: "a:bob", ms: 60_000 }), true);
    assert.equal(
      await rooms.takeSlot("r", { key: "a:bob", ms: 60_000 }),
      false,
    );
    assert.equal(await rooms.takeSlot("r", { key: "a:eve", ms: 60_000 }), true);
    assert.equal(await rooms.takeSlot("q", { key: "a:bob", ms: 60_000 }), true);
    assert.equal(await rooms.takeSlot("r", { key: "g:x", ms: 1 }), true);
    const deadline = Date.now() + 5000;
    while (!(await rooms.takeSlot("r", { key: "g:x", ms: 1 }))) {
      assert.ok(Date.now() < deadline, "slot never freed");
    }
  },
};

/** Registers the shared behaviour every room store must have, as one Deno.test with steps. */
export function testRoomStoreConformance(
  name: string,
  open: RoomStoreFactory,
  options: { close?(): void | Promise<void> } = {},
): void {
  Deno.test({
    name: `room store conformance: ${name}`,
    async fn(t) {
      try {
        for (const [title, body] of Object.entries(CASES)) {
          await t.step(title, async () => await body(await open()));
        }
      } finally {
        await options.close?.();
      }
    },
  });
}
