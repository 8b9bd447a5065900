/** The hub after a fan-out outage: messages read again, and coalesced presence put right from presence itself. */
import assert from "node:assert/strict";
import { MemoryStore } from "../backends/memory/store.ts";
import { FakeClock } from "../fake_clock.ts";
import { type Fanout, LocalFanout } from "./fanout.ts";
import { Hub, PRESENCE_SETTLE_MS } from "./hub.ts";
import { LocalPresence } from "./presence.ts";
import type { Room } from "./room.ts";
import { MAX_PRESENCE_FLUSH_MS } from "./presence_window.ts";
import { listingPeer } from "./room_test_peers.ts";

/** A hub on a fake clock whose roster reads `presence`: guests, moderators as `moderators` names them. */
function hubWithRoster(moderators: readonly string[] = []) {
  const clock = new FakeClock();
  const presence = new LocalPresence();
  const fanout: Fanout = new LocalFanout();
  const hub = new Hub({
    store: new MemoryStore(),
    fanout,
    clock,
    roster: async (room) => {
      const online = await presence.roster(room);
      return {
        members: online.map((p) => p.username),
        people: online.map((p) => ({
          username: p.username,
          kind: "guest" as const,
          role: moderators.includes(p.username)
            ? "moderator" as const
            : "member" as const,
        })),
      };
    },
  });
  /** A coalescing `watcher` in `room`, welcomed with the list presence holds. */
  const watch = async (room: Room) => {
    const watcher = listingPeer("watcher");
    await presence.claim("r", { username: "watcher", canonical: "watcher" });
    room.add(watcher);
    watcher.welcome(room, { members: await presence.members("r") });
    return watcher;
  };
  return { clock, presence, fanout, hub, watch };
}

Deno.test("hub: after a fan-out outage the coalescing peers' lists are read again from presence", async () => {
  const { clock, presence, fanout, hub, watch } = hubWithRoster();
  const room = await hub.acquire("r");
  const watcher = await watch(room);
  // Joins whose events the outage swallowed: nothing was published.
  await presence.claim("r", { username: "ann", canonical: "ann" });
  await presence.claim("r", { username: "bob", canonical: "bob" });
  clock.tick(MAX_PRESENCE_FLUSH_MS * 2);
  assert.deepEqual(watcher.list.members, ["watcher"]);
  fanout.onResync!("r");
  await Promise.resolve();
  await Promise.resolve();
  clock.tick(MAX_PRESENCE_FLUSH_MS * 2);
  assert.deepEqual(watcher.list.members, ["ann", "bob", "watcher"]);
  assert.deepEqual(watcher.frames.at(-1)?.joined, ["ann", "bob"]);
  hub.release("r");
});

Deno.test("hub: a change of settings sends the coalescing peers the roles it changed", async () => {
  const moderators: string[] = [];
  const { clock, fanout, presence, hub } = hubWithRoster(moderators);
  const room = await hub.acquire("r");
  const watcher = listingPeer("watcher");
  for (const name of ["mo", "watcher"]) {
    await presence.claim("r", { username: name, canonical: name });
  }
  room.add(watcher);
  const people = (role: "member" | "moderator") => [
    { username: "mo", kind: "guest" as const, role },
    { username: "watcher", kind: "guest" as const, role: "member" as const },
  ];
  watcher.welcome(room, {
    members: ["mo", "watcher"],
    people: people("member"),
  });
  moderators.push("mo");
  const changedAt = clock.now();
  fanout.publish("r", { type: "control", action: "settings" });
  await Promise.resolve();
  await Promise.resolve();
  clock.tick(MAX_PRESENCE_FLUSH_MS * 2);
  assert.deepEqual(watcher.list.people, people("moderator"));
  assert.deepEqual(watcher.frames.at(-1), {
    type: "presence",
    joined: [],
    left: [],
    people: [{ username: "mo", kind: "guest", role: "moderator" }],
    count: 2,
    ts: changedAt,
  });
  hub.release("r");
});

Deno.test("hub: two joins whose lists arrive in the other order are put right once the room is quiet", async () => {
  const { clock, presence, fanout, hub, watch } = hubWithRoster();
  const room = await hub.acquire("r");
  const watcher = await watch(room);
  await presence.claim("r", { username: "ann", canonical: "ann" });
  const afterAnn = await presence.members("r");
  await presence.claim("r", { username: "bob", canonical: "bob" });
  const afterBob = await presence.members("r");
  const ts = clock.now();
  // Bob's event (the newer list) first, then Ann's, whose list lacks Bob.
  fanout.publish("r", {
    type: "joined",
    username: "bob",
    ts,
    members: afterBob,
  });
  fanout.publish("r", {
    type: "joined",
    username: "ann",
    ts,
    members: afterAnn,
  });
  clock.tick(MAX_PRESENCE_FLUSH_MS);
  assert.deepEqual(
    watcher.list.members,
    ["ann", "watcher"],
    "the older list stood",
  );
  clock.tick(PRESENCE_SETTLE_MS);
  await Promise.resolve();
  await Promise.resolve();
  clock.tick(MAX_PRESENCE_FLUSH_MS);
  assert.deepEqual(watcher.list.members, ["ann", "bob", "watcher"]);
  hub.release("r");
  assert.equal(clock.pending, 0, "no settle timer left behind");
});
