import assert from "node:assert/strict";
import { LocalFanout } from "../chat/fanout.ts";
import { MemoryStore } from "../backends/memory/store.ts";
import { RoomAccess } from "./access.ts";
import { Gate, LOOK_MAX_AGE_MS } from "./gate.ts";
import { defaultSettings } from "./room_store.ts";
import { MemoryRooms } from "../backends/memory/rooms.ts";
import { FakeClock } from "../fake_clock.ts";

function setup() {
  const clock = new FakeClock(1_000_000);
  const rooms = new MemoryRooms({ clock });
  const access = new RoomAccess({
    rooms,
    messages: new MemoryStore(),
    fanout: new LocalFanout(),
    clock,
  });
  const gate = new Gate(access, {
    room: "r",
    identity: null,
    address: "10.0.0.1",
  });
  return {
    rooms,
    access,
    gate,
    clock,
    advance: (ms: number) => clock.tick(ms),
  };
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

Deno.test("a timed mute ends on the gate's clock, without a new reading", async () => {
  const { rooms, gate, clock, advance } = setup();
  await gate.admit({ canonical: "loud", username: "loud", guestKey: "g:3" });
  await rooms.sanction("r", {
    keys: ["g:3"],
    sanction: {
      kind: "mute",
      username: "loud",
      by: "mo",
      until: clock.now() + LOOK_MAX_AGE_MS + 60_000,
    },
  });
  advance(LOOK_MAX_AGE_MS + 1);
  assert.equal(await gate.current(), undefined, "a mute does not close");
  assert.equal(gate.muted, true);
  assert.equal(gate.check("message"), "forbidden");
  assert.equal(gate.refusal(), "You are muted in this room for now.");
  advance(60_000);
  assert.equal(gate.muted, false);
  assert.equal(gate.check("message"), "allow");
});

Deno.test("slow mode holds a guest by its address on the clock: one message per slowModeS, a new clientId no way round it", async () => {
  const { rooms, access, gate, clock, advance } = setup();
  await rooms.create({ ...defaultSettings("r"), owner: "own", slowModeS: 2 });
  await gate.admit({ canonical: "ann", username: "ann", guestKey: "g:a" });
  assert.equal(await gate.slowModePasses(), true);
  assert.equal(await gate.slowModePasses(), false);
  const again = new Gate(access, {
    room: "r",
    identity: null,
    address: "10.0.0.1",
  });
  await again.admit({ canonical: "ann2", username: "ann2", guestKey: "g:b" });
  assert.equal(await again.slowModePasses(), false, "same address");
  advance(1_999);
  assert.equal(await gate.slowModePasses(), false);
  advance(1);
  assert.equal(await again.slowModePasses(), true);
  assert.equal(clock.now(), 1_002_000);
});
