/** The room's presence windows: coalesced presence, its width, and words that follow a join. */
import assert from "node:assert/strict";
import { formatId } from "./ids.ts";
import { FakeClock } from "../fake_clock.ts";
import { Room } from "./room.ts";
import {
  MAX_PRESENCE_FLUSH_MS,
  MAX_STORM_PRESENCE_MS,
  PRESENCE_FLUSH_MS,
  PRESENCE_PEERS_PER_STEP,
  presenceWindowMs,
} from "./presence_window.ts";
import type { Peer } from "./peer.ts";
import { coalescingPeer, peer, said } from "./room_test_peers.ts";

Deno.test("room: peers that coalesce presence get one presence event per window", () => {
  const clock = new FakeClock();
  const room = new Room("r", { load: () => Promise.resolve([]), clock });
  const frames: string[] = [];
  const coalescing: Peer = {
    canonical: "watcher",
    batch: false,
    coalescePresence: true,
    push: (frame) => frames.push(frame),
    pushShared: () => false,
  };
  const plain = peer("plain");
  room.add(coalescing);
  room.welcomed(coalescing, { members: ["z"] });
  room.add(plain);
  room.receive({ type: "joined", username: "a", ts: 1, members: ["a", "z"] });
  room.receive({
    type: "joined",
    username: "b",
    ts: 2,
    members: ["a", "b", "z"],
  });
  room.receive({
    type: "joined",
    username: "c",
    ts: 3,
    members: ["a", "b", "c", "z"],
  });
  room.receive({
    type: "left",
    username: "c",
    ts: 4,
    members: ["a", "b", "z"],
  });
  room.receive({ type: "left", username: "z", ts: 5, members: ["a", "b"] });
  assert.deepEqual(frames, []);
  assert.deepEqual(plain.got, ["joined", "joined", "joined", "left", "left"]);
  clock.tick(PRESENCE_FLUSH_MS - 1);
  assert.deepEqual(frames, []);
  clock.tick(1);
  assert.deepEqual(frames.map((f) => JSON.parse(f)), [{
    type: "presence",
    joined: ["a", "b"],
    left: ["z"],
    count: 2,
    ts: 5,
  }]);
});

Deno.test("room: when every peer coalesces presence, a join's member list is never serialised, only its changes", () => {
  const clock = new FakeClock();
  const room = new Room("r", { load: () => Promise.resolve([]), clock });
  let serialised = 0;
  const members = (...names: string[]) =>
    Object.assign(names, {
      toJSON() {
        serialised++;
        return [...names];
      },
    });
  const watcher = coalescingPeer("watcher", { clock });
  room.add(watcher);
  room.welcomed(watcher, { members: [] });
  room.receive({ type: "joined", username: "a", ts: 1, members: members("a") });
  room.receive({
    type: "joined",
    username: "b",
    ts: 2,
    members: members("a", "b"),
  });
  assert.equal(serialised, 0);
  clock.tick(PRESENCE_FLUSH_MS);
  assert.equal(serialised, 0);
  assert.deepEqual(watcher.got.map((g) => g.event), [
    { type: "presence", joined: ["a", "b"], left: [], count: 2, ts: 2 },
  ]);
  room.add(peer("plain"));
  room.receive({
    type: "joined",
    username: "c",
    ts: 3,
    members: members("a", "b", "c"),
  });
  assert.equal(serialised, 1, "a peer that takes each join gets it at once");
});

Deno.test("room: a flapping join/leave never gets two presence events within a window, and its windows widen", () => {
  const clock = new FakeClock();
  const room = new Room("r", { load: () => Promise.resolve([]), clock });
  const watcher = coalescingPeer("watcher", { clock });
  room.add(watcher);
  room.start(formatId(0));
  const until = clock.monotonic() + 12_000;
  let ts = 0;
  // One other person at a time, a new one each turn: the list keeps changing.
  let other = "g";
  while (clock.monotonic() < until) {
    room.receive({
      type: "joined",
      username: "f",
      ts: ++ts,
      members: ["f", other],
    });
    clock.tick(3);
    room.receive({ type: "left", username: "f", ts: ++ts, members: [other] });
    other = `g${ts}`;
    room.receive({ type: "joined", username: other, ts, members: [other] });
    clock.tick(3);
  }
  clock.tick(MAX_STORM_PRESENCE_MS);
  const times = watcher.got.filter((g) => g.event.type === "presence")
    .map((g) => g.at);
  const gaps = times.slice(1).map((t, i) => t - times[i]);
  // Each window opens 3 ms after the last closed: 100, 200, 400, … 4,000 ms.
  const windows = [100, 200, 400, 800, 1600, 3200, 4000, 4000];
  assert.deepEqual(
    gaps.map((gap) => Math.round(gap / 100) * 100),
    windows.slice(1, gaps.length + 1),
  );
  assert.ok(gaps.length >= 5, `only ${gaps.length + 1} presence events`);
});

for (const batch of [false, true]) {
  Deno.test(`room: a newcomer's join reaches coalescing peers before their first message (batch: ${batch})`, async () => {
    const clock = new FakeClock();
    const room = new Room("r", {
      load: () => Promise.resolve([]),
      batchFlushMs: 0,
      clock,
    });
    const watcher = coalescingPeer("watcher", { clock, batch });
    room.add(watcher);
    room.start(formatId(0));
    const order = () =>
      watcher.got.map(({ event }) =>
        event.type === "presence"
          ? `presence:${(event.joined as string[]).join()}`
          : `${event.type}:${event.text}`
      );
    room.receive({
      type: "joined",
      username: "Carol",
      ts: 1,
      members: ["Carol"],
    });
    room.receive(said(1, "Carol"));
    await new Promise((r) => setTimeout(r, 0));
    assert.deepEqual(order(), ["presence:Carol", "message:m1"]);
    // Within the window of that presence event, the next joiner's words wait for it.
    room.receive({
      type: "joined",
      username: "Dan",
      ts: 2,
      members: ["Carol", "Dan"],
    });
    room.receive(said(2, "Dan"));
    room.receive(said(3, "Carol"));
    await new Promise((r) => setTimeout(r, 0));
    assert.deepEqual(order(), ["presence:Carol", "message:m1"]);
    clock.tick(PRESENCE_FLUSH_MS);
    await new Promise((r) => setTimeout(r, 0));
    assert.deepEqual(order(), [
      "presence:Carol",
      "message:m1",
      "presence:Dan",
      "message:m2",
      "message:m3",
    ]);
    const [first, second] = watcher.got.filter((g) =>
      g.event.type === "presence"
    );
    assert.equal(second.at - first.at, PRESENCE_FLUSH_MS);
  });
}

Deno.test("room: the presence window widens with the room, up to a second", () => {
  assert.equal(presenceWindowMs(1), PRESENCE_FLUSH_MS);
  assert.equal(presenceWindowMs(PRESENCE_PEERS_PER_STEP), PRESENCE_FLUSH_MS);
  assert.equal(
    presenceWindowMs(PRESENCE_PEERS_PER_STEP + 1),
    2 * PRESENCE_FLUSH_MS,
  );
  assert.equal(presenceWindowMs(100), MAX_PRESENCE_FLUSH_MS);
  assert.equal(presenceWindowMs(10_000), MAX_PRESENCE_FLUSH_MS);
});

Deno.test("room: in a big room presence waits for the wide window, but a newcomer's words still follow within the base one", () => {
  const clock = new FakeClock();
  const room = new Room("r", {
    load: () => Promise.resolve([]),
    batchFlushMs: 0,
    clock,
  });
  const watchers = Array.from(
    { length: 30 },
    (_, i) => coalescingPeer(`w${i}`, { clock }),
  );
  for (const watcher of watchers) room.add(watcher);
  room.start(formatId(0));
  const presence = () =>
    watchers[0].got.filter((g) => g.event.type === "presence");
  const began = clock.monotonic();
  room.receive({ type: "joined", username: "Ann", ts: 1, members: ["Ann"] });
  clock.tick(PRESENCE_FLUSH_MS);
  assert.equal(presence().length, 0, "still gathering in a room of 30");
  clock.tick(presenceWindowMs(30) - PRESENCE_FLUSH_MS);
  assert.equal(presence().length, 1);
  assert.equal(presence()[0].at - began, presenceWindowMs(30));
  clock.tick(30);
  room.receive({
    type: "joined",
    username: "Bob",
    ts: 2,
    members: ["Ann", "Bob"],
  });
  room.receive(said(1, "Bob"));
  clock.tick(PRESENCE_FLUSH_MS - 30 - 1);
  assert.equal(presence().length, 1, "the base window is not over yet");
  clock.tick(1);
  const got = watchers[0].got.map((g) => g.event.type);
  assert.deepEqual(got, ["presence", "presence", "message"]);
  assert.equal(presence()[1].at - presence()[0].at, PRESENCE_FLUSH_MS);
});

Deno.test("room: a room of 100 people over several servers gets the wide presence window here too", () => {
  const clock = new FakeClock();
  const room = new Room("r", { load: () => Promise.resolve([]), clock });
  const watcher = coalescingPeer("watcher", { clock });
  room.add(watcher);
  room.add(coalescingPeer("other", { clock }));
  const members = Array.from({ length: 100 }, (_, i) => `p${i}`);
  room.welcomed(watcher, { members: members.slice(0, 98) });
  room.receive({ type: "joined", username: "p98", ts: 1, members });
  room.receive({ type: "joined", username: "p99", ts: 2, members });
  clock.tick(PRESENCE_FLUSH_MS);
  assert.equal(watcher.got.length, 0, "two peers here, 100 people in all");
  clock.tick(MAX_PRESENCE_FLUSH_MS - PRESENCE_FLUSH_MS);
  assert.deepEqual(
    watcher.got.map(({ event }) => event.joined),
    [["p98", "p99"]],
  );
});

Deno.test("room: the list is read again after an outage only while some peer coalesces presence", async () => {
  const clock = new FakeClock();
  const room = new Room("r", { load: () => Promise.resolve([]), clock });
  let reads = 0;
  const read = () => {
    reads++;
    return Promise.resolve({ members: ["ann"] });
  };
  room.add(peer("plain"));
  room.refreshPresence(read);
  assert.equal(reads, 0, "nobody here takes coalesced presence");
  const watcher = coalescingPeer("watcher", { clock });
  room.add(watcher);
  room.refreshPresence(read);
  assert.equal(reads, 1);
  await Promise.resolve();
  clock.tick(MAX_STORM_PRESENCE_MS);
  assert.deepEqual(watcher.got.map(({ event }) => event.members), [["ann"]]);
});
