import assert from "node:assert/strict";
import { joinedRoomSizes } from "../bench/scale.ts";

const specs = [
  { room: "a", username: "u0", roomSize: 3 },
  { room: "a", username: "u1", roomSize: 3 },
  { room: "a", username: "u2", roomSize: 3 },
  { room: "b", username: "u0", roomSize: 2 },
  { room: "b", username: "u1", roomSize: 2 },
];

Deno.test("scale plan: a room's expected deliveries leave out members that never joined", () => {
  assert.deepEqual(
    joinedRoomSizes(specs, [{ a: 1 }, undefined, { a: 1 }]),
    { a: 1 },
  );
  assert.equal(joinedRoomSizes(specs, [undefined, {}]), undefined);
});
