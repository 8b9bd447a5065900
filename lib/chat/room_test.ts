import assert from "node:assert/strict";
import type { MessageEvent } from "./events.ts";
import { formatId } from "./ids.ts";
import { type Peer, Room } from "./room.ts";

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

function peer(canonical: string): Peer & { got: string[] } {
  const got: string[] = [];
  return {
    canonical,
    got,
    push: (frame) => got.push(JSON.parse(frame).text ?? JSON.parse(frame).type),
  };
}

Deno.test("room: in-order messages go straight out, repeats are dropped", () => {
  const room = new Room("r", {
    load: () => Promise.reject(new Error("no gap expected")),
  });
  const p = peer("p");
  room.join(p, { username: "P", canonical: "p" });
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
  room.join(p, { username: "P", canonical: "p" });
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

Deno.test("room: messages that arrive before start wait for it", () => {
  const room = new Room("r", { load: () => Promise.resolve([]) });
  const p = peer("p");
  room.join(p, { username: "P", canonical: "p" });
  room.receive(message(3));
  room.receive(message(2));
  assert.deepEqual(p.got, []);
  room.start(formatId(1));
  assert.deepEqual(p.got, ["m2", "m3"]);
});

Deno.test("room: names, tabs of one client, and the last leave", () => {
  const room = new Room("r", { load: () => Promise.resolve([]) });
  const a1 = peer("ann");
  const a2 = peer("ann");
  const impostor = peer("ann");
  const bob = peer("bob");
  assert.equal(
    room.join(a1, { username: "Ann", canonical: "ann", clientId: "c" }),
    "first",
  );
  assert.equal(
    room.join(a2, { username: "Ann", canonical: "ann", clientId: "c" }),
    "again",
  );
  assert.equal(
    room.join(impostor, { username: "ANN", canonical: "ann", clientId: "d" }),
    "taken",
  );
  assert.equal(
    room.join(impostor, { username: "ANN", canonical: "ann" }),
    "taken",
  );
  assert.equal(room.join(bob, { username: "bob", canonical: "bob" }), "first");
  assert.deepEqual(room.members(), ["Ann", "bob"]);
  assert.equal(room.online, 2);
  assert.equal(room.connections, 3);
  room.receive({ type: "typing", username: "Ann" });
  assert.deepEqual([a1.got, bob.got], [[], ["typing"]]);
  assert.equal(room.leave(a1), false);
  assert.equal(room.leave(a1), false);
  assert.equal(room.leave(a2), true);
  assert.deepEqual(room.members(), ["bob"]);
});
