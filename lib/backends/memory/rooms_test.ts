import assert from "node:assert/strict";
import { FakeClock } from "../../fake_clock.ts";
import { testRoomStoreConformance } from "../../rooms/conformance.ts";
import { SEEN_TTL_MS } from "../../rooms/room_store.ts";
import { MemoryRooms } from "./rooms.ts";

testRoomStoreConformance("memory", () => Promise.resolve(new MemoryRooms()));

Deno.test("memory rooms: a remembered name expires after SEEN_TTL_MS, and its old keys are not merged into the next", async () => {
  const clock = new FakeClock();
  const rooms = new MemoryRooms({ clock });
  await rooms.remember("r", { canonical: "bob", keys: ["g:1"] });
  clock.tick(SEEN_TTL_MS / 2);
  await rooms.remember("r", { canonical: "ann", keys: ["g:a"] });
  clock.tick(SEEN_TTL_MS / 2 - 1);
  await rooms.remember("r", { canonical: "cid", keys: ["g:c"] });
  assert.deepEqual(await rooms.recall("r", "bob"), ["g:1"]);
  clock.tick(1);
  assert.deepEqual(await rooms.recall("r", "bob"), []);
  await rooms.remember("r", { canonical: "bob", keys: ["g:2"] });
  assert.deepEqual(await rooms.recall("r", "bob"), ["g:2"]);
  assert.deepEqual(await rooms.recall("r", "ann"), ["g:a"]);
  clock.tick(SEEN_TTL_MS / 2);
  await rooms.remember("r", { canonical: "ann", keys: ["g:b"] });
  assert.deepEqual(await rooms.recall("r", "ann"), ["g:b"]);
  assert.deepEqual(await rooms.recall("r", "cid"), ["g:c"]);
});
