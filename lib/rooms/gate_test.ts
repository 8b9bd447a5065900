import assert from "node:assert/strict";
import { LocalFanout } from "../chat/fanout.ts";
import { MemoryStore } from "../backends/memory/store.ts";
import { RoomAccess } from "./access.ts";
import { Gate, LOOK_MAX_AGE_MS } from "./gate.ts";
import { MemoryRooms } from "../backends/memory/rooms.ts";

function setup() {
  const rooms = new MemoryRooms();
  const access = new RoomAccess({
    rooms,
    messages: new MemoryStore(),
    fanout: new LocalFanout(),
  });
  let now = 1_000_000;
  const gate = new Gate(access, {
    room: "r",
    identity: null,
    address: "10.0.0.1",
    now: () => now,
  });
  return { rooms, gate, advance: (ms: number) => now += ms };
}

Deno.test("a mute stored without a control event holds from the first frame after LOOK_MAX_AGE_MS", async () => {
  const { rooms, gate, advance } = setup();
  assert.equal(
    await gate.admit({ canonical: "loud", username: "loud", guestKey: "g:1" }),
    "allow",
  );
  await rooms.sanction("r", {
    keys: ["ip:10.0.0.1"],
    sanction: { kind: "mute", username: "loud", by: "mo", until: null },
  });
  assert.equal(await gate.current(), undefined);
  assert.equal(gate.check("message"), "allow", "still the old reading");
  advance(LOOK_MAX_AGE_MS + 1);
  assert.equal(await gate.current(), undefined, "a mute does not close");
  assert.equal(gate.check("message"), "forbidden");
});

Deno.test("a ban stored without a control event closes the socket at its next frame once stale", async () => {
  const { rooms, gate, advance } = setup();
  await gate.admit({ canonical: "troll", username: "troll", guestKey: "g:2" });
  await rooms.sanction("r", {
    keys: ["g:2"],
    sanction: { kind: "ban", username: "troll", by: "mo", until: null },
  });
  advance(LOOK_MAX_AGE_MS);
  assert.equal(await gate.current(), undefined, "not stale yet");
  advance(1);
  assert.equal(await gate.current(), "You are banned from this room.");
});
