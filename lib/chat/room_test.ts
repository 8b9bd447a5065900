import assert from "node:assert/strict";
import type { MessageEvent } from "../protocol/events.ts";
import { formatId } from "./ids.ts";
import { FakeClock } from "../fake_clock.ts";
import {
  FILL_RETRY_MS,
  MAX_PRESENCE_FLUSH_MS,
  PRESENCE_FLUSH_MS,
  PRESENCE_PEERS_PER_STEP,
  presenceWindowMs,
  Room,
} from "./room.ts";
import type { Peer } from "./peer.ts";

function message(seq: number): MessageEvent {
  return {
    type: "message",
    id: formatId(seq),
    room: "r",
    username: "a",
    text: `m${seq}`,
    ts: seq,
  };
}

function label(event: { text?: string; type: string }): string {
  return event.text ?? event.type;
}

function peer(canonical: string): Peer & { got: string[] } {
  const got: string[] = [];
  return {
    canonical,
    got,
    batch: false,
    coalescePresence: false,
    push: (frame) => got.push(label(JSON.parse(frame))),
    pushShared: () => false,
  };
}

/** A batching peer that records each frame it gets, shared or not. */
function batchPeer(canonical: string, options: { accept: boolean }) {
  const frames: string[] = [];
  const got: string[] = [];
  const peer: Peer & { got: string[]; frames: string[] } = {
    canonical,
    got,
    frames,
    batch: true,
    coalescePresence: false,
    push(frame) {
      frames.push(frame);
      got.push(label(JSON.parse(frame)));
    },
    pushShared(frame) {
      if (!options.accept) return false;
      frames.push(frame);
      const parsed = JSON.parse(frame);
      for (const event of parsed.type === "batch" ? parsed.events : [parsed]) {
        got.push(label(event));
      }
      return true;
    },
  };
  return peer;
}

Deno.test("room: in-order messages go straight out, repeats are dropped", () => {
  const room = new Room("r", {
    load: () => Promise.reject(new Error("no gap expected")),
  });
  const p = peer("p");
  room.add(p);
  room.start(formatId(0));
  room.receive(message(1));
  room.receive(message(2));
  room.receive(message(2));
  room.receive(message(1));
  assert.deepEqual(p.got, ["m1", "m2"]);
});

Deno.test("room: a gap is filled from the store before later messages", async () => {
  const stored = [1, 2, 3, 4].map(message);
  const loads: string[] = [];
  const room = new Room("r", {
    load: (since) => {
      loads.push(since);
      return Promise.resolve(stored.filter((m) => m.id > since));
    },
  });
  const p = peer("p");
  room.add(p);
  room.start(formatId(1));
  room.receive(message(4));
  room.receive(message(3));
  await new Promise((r) => setTimeout(r, 0));
  room.receive(message(2));
  assert.deepEqual(p.got, ["m2", "m3", "m4"]);
  assert.deepEqual(loads, [formatId(1)]);
  room.receive(message(5));
  assert.deepEqual(p.got, ["m2", "m3", "m4", "m5"]);
});

Deno.test("room: a resync during a fill reads the store again afterwards", async () => {
  const stored = [1, 2].map(message);
  const reads: PromiseWithResolvers<void>[] = [];
  const room = new Room("r", {
    load: async (since) => {
      const snapshot = stored.filter((m) => m.id > since);
      const read = Promise.withResolvers<void>();
      reads.push(read);
      await read.promise;
      return snapshot;
    },
  });
  const p = peer("p");
  room.add(p);
  room.start(formatId(1));
  room.resync();
  stored.push(message(3));
  room.resync();
  reads[0].resolve();
  for (let i = 0; i < 50 && reads.length < 2; i++) {
    await new Promise((r) => setTimeout(r, 0));
  }
  assert.deepEqual(p.got, ["m2"]);
  assert.equal(reads.length, 2, "the store is read again after the first read");
  reads[1].resolve();
  await new Promise((r) => setTimeout(r, 0));
  assert.deepEqual(p.got, ["m2", "m3"]);
  assert.equal(reads.length, 2);
});

Deno.test("room: messages that arrive before start wait for it", () => {
  const room = new Room("r", { load: () => Promise.resolve([]) });
  const p = peer("p");
  room.add(p);
  room.receive(message(3));
  room.receive(message(2));
  assert.deepEqual(p.got, []);
  room.start(formatId(1));
  assert.deepEqual(p.got, ["m2", "m3"]);
});

Deno.test("room: typing and joined skip the person they are about", () => {
  const room = new Room("r", { load: () => Promise.resolve([]) });
  const ann = peer("ann");
  const bob = peer("bob");
  room.add(ann);
  room.add(bob);
  room.receive({ type: "typing", username: "Ann" });
  room.receive({ type: "joined", username: "ANN", ts: 1, members: [] });
  room.receive({ type: "left", username: "carol", ts: 1, members: [] });
  assert.deepEqual(ann.got, ["left"]);
  assert.deepEqual(bob.got, ["typing", "joined", "left"]);
  assert.equal(room.remove(ann), true);
  assert.equal(room.remove(ann), false);
  assert.equal(room.connections, 1);
});

Deno.test("room: a message that lands beyond a gap during a fill waits for the next fill", async () => {
  const stored = [1, 2].map(message);
  let release: () => void = () => {};
  const room = new Room("r", {
    load: async (since) => {
      const snapshot = stored.filter((m) => m.id > since);
      await new Promise<void>((r) => release = r);
      return snapshot;
    },
  });
  const p = peer("p");
  room.add(p);
  room.start(formatId(0));
  room.receive(message(2));
  stored.push(message(3), message(4));
  room.receive(message(4));
  release();
  await new Promise((r) => setTimeout(r, 0));
  assert.deepEqual(p.got, ["m1", "m2"]);
  release();
  await new Promise((r) => setTimeout(r, 0));
  assert.deepEqual(p.got, ["m1", "m2", "m3", "m4"]);
});

Deno.test("room: a gap the store cannot fill is crossed in order", async () => {
  const room = new Room("r", { load: () => Promise.resolve([]) });
  const p = peer("p");
  room.add(p);
  room.start(formatId(1));
  room.receive(message(5));
  room.receive(message(4));
  await new Promise((r) => setTimeout(r, 0));
  assert.deepEqual(p.got, ["m4", "m5"]);
});

Deno.test("room: a failed fill is retried while anyone is in the room", async () => {
  let calls = 0;
  const clock = new FakeClock();
  const failed = Promise.withResolvers<void>();
  const room = new Room("r", {
    load: () =>
      ++calls === 1
        ? Promise.reject(new Error("down"))
        : Promise.resolve([message(2)]),
    onError: () => failed.resolve(),
    clock,
  });
  const p = peer("p");
  room.add(p);
  room.start(formatId(1));
  room.receive(message(3));
  await failed.promise;
  assert.equal(calls, 1);
  clock.tick(FILL_RETRY_MS - 1);
  assert.equal(calls, 1, "not before the retry delay");
  clock.tick(1);
  assert.equal(calls, 2);
  await new Promise((r) => setTimeout(r, 0));
  assert.deepEqual(p.got, ["m2", "m3"]);
});

Deno.test("room: an empty room's head is position zero, so the first message can be missed too", async () => {
  const stored = [1, 2].map(message);
  const room = new Room("r", {
    load: (since) => Promise.resolve(stored.filter((m) => m.id > since)),
  });
  const p = peer("p");
  room.add(p);
  room.start("");
  room.receive(message(2));
  await new Promise((r) => setTimeout(r, 0));
  assert.deepEqual(p.got, ["m1", "m2"]);
});

Deno.test("room: batching peers share one frame per flush; the rest fall back to single events", async () => {
  const room = new Room("r", {
    load: () => Promise.resolve([]),
    batchFlushMs: 0,
  });
  const a = batchPeer("a", { accept: true });
  const b = batchPeer("b", { accept: true });
  const behind = batchPeer("c", { accept: false });
  const plain = peer("d");
  for (const p of [a, b, behind, plain]) room.add(p);
  room.start(formatId(0));
  room.receive(message(1));
  room.receive({ type: "typing", username: "A" });
  room.receive(message(2));
  await new Promise((r) => setTimeout(r, 0));
  assert.equal(a.frames.length, 2, "a typed: single events, without its own");
  assert.deepEqual(a.got, ["m1", "m2"]);
  assert.equal(b.frames.length, 1);
  assert.deepEqual(b.got, ["m1", "typing", "m2"]);
  assert.deepEqual(behind.got, ["m1", "typing", "m2"]);
  assert.equal(behind.frames.length, 3);
  assert.deepEqual(plain.got, ["m1", "typing", "m2"]);
  room.receive(message(3));
  await new Promise((r) => setTimeout(r, 0));
  assert.equal(a.frames.at(-1), b.frames.at(-1), "one string, shared");
});

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
  room.add(plain);
  room.receive({ type: "joined", username: "a", ts: 1, members: ["a"] });
  room.receive({ type: "joined", username: "b", ts: 2, members: ["a", "b"] });
  room.receive({
    type: "joined",
    username: "c",
    ts: 3,
    members: ["a", "b", "c"],
  });
  room.receive({ type: "left", username: "c", ts: 4, members: ["a", "b"] });
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
    members: ["a", "b"],
    ts: 5,
  }]);
});

Deno.test("room: when every peer coalesces presence, a join's member list is serialised once per window, not per join", () => {
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
  room.add(coalescingPeer("watcher", { clock }));
  room.receive({ type: "joined", username: "a", ts: 1, members: members("a") });
  room.receive({
    type: "joined",
    username: "b",
    ts: 2,
    members: members("a", "b"),
  });
  assert.equal(serialised, 0);
  clock.tick(PRESENCE_FLUSH_MS);
  assert.equal(serialised, 1);
  room.add(peer("plain"));
  room.receive({
    type: "joined",
    username: "c",
    ts: 3,
    members: members("a", "b", "c"),
  });
  assert.equal(serialised, 2, "a peer that takes each join gets it at once");
});

function coalescingPeer(
  canonical: string,
  options: { clock: FakeClock; batch?: boolean },
) {
  const got: { at: number; event: Record<string, unknown> }[] = [];
  const record = (frame: string) => {
    const parsed = JSON.parse(frame);
    for (const event of parsed.type === "batch" ? parsed.events : [parsed]) {
      got.push({ at: options.clock.monotonic(), event });
    }
  };
  const peer: Peer & { got: typeof got } = {
    canonical,
    got,
    batch: options.batch ?? false,
    coalescePresence: true,
    push: record,
    pushShared(frame) {
      record(frame);
      return true;
    },
  };
  return peer;
}

function said(seq: number, username: string): MessageEvent {
  return { ...message(seq), username };
}

Deno.test("room: a flapping join/leave never gets two presence events within a window", () => {
  const clock = new FakeClock();
  const room = new Room("r", { load: () => Promise.resolve([]), clock });
  const watcher = coalescingPeer("watcher", { clock });
  room.add(watcher);
  room.start(formatId(0));
  const until = clock.monotonic() + 1200;
  let ts = 0;
  while (clock.monotonic() < until) {
    room.receive({ type: "joined", username: "f", ts: ++ts, members: ["f"] });
    clock.tick(3);
    room.receive({ type: "left", username: "f", ts: ++ts, members: [] });
    room.receive({ type: "joined", username: `g${ts}`, ts, members: [] });
    clock.tick(3);
  }
  clock.tick(PRESENCE_FLUSH_MS * 2);
  const times = watcher.got.filter((g) => g.event.type === "presence")
    .map((g) => g.at);
  assert.ok(times.length >= 12, `only ${times.length} presence events`);
  const gaps = times.slice(1).map((t, i) => t - times[i]);
  const close = gaps.filter((gap) => gap < PRESENCE_FLUSH_MS);
  assert.deepEqual(
    close,
    [],
    `${close.length} of ${gaps.length} gaps under ${PRESENCE_FLUSH_MS} ms`,
  );
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
    room.receive({ type: "joined", username: "Carol", ts: 1, members: [] });
    room.receive(said(1, "Carol"));
    await new Promise((r) => setTimeout(r, 0));
    assert.deepEqual(order(), ["presence:Carol", "message:m1"]);
    // Within the window of that presence event, the next joiner's words wait for it.
    room.receive({ type: "joined", username: "Dan", ts: 2, members: [] });
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
  room.receive({ type: "joined", username: "Ann", ts: 1, members: [] });
  clock.tick(PRESENCE_FLUSH_MS);
  assert.equal(presence().length, 0, "still gathering in a room of 30");
  clock.tick(presenceWindowMs(30) - PRESENCE_FLUSH_MS);
  assert.equal(presence().length, 1);
  assert.equal(presence()[0].at - began, presenceWindowMs(30));
  clock.tick(30);
  room.receive({ type: "joined", username: "Bob", ts: 2, members: [] });
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
