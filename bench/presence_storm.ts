/**
 * The room's own work per join while a room of 100 fills with coalesced
 * presence (sends not included: every peer only counts its frames), and the
 * presence frames and bytes each join causes.
 *
 *     deno run -A bench/presence_storm.ts [--joins-per-second=25] [--rounds=200]
 */
import { parseArgs } from "node:util";
import { FakeClock } from "../lib/fake_clock.ts";
import { Room } from "../lib/chat/room.ts";
import type { PersonView } from "../lib/protocol/events.ts";

const ROOM_SIZE = 100;

/** Fills one room of {@linkcode ROOM_SIZE}; returns the frames and bytes its peers were handed. */
function fill(joinsPerSecond: number): { frames: number; bytes: number } {
  const clock = new FakeClock();
  const room = new Room("r", { load: () => Promise.resolve([]), clock });
  const sent = { frames: 0, bytes: 0 };
  const members: string[] = [];
  const people: PersonView[] = [];
  for (let i = 0; i < ROOM_SIZE; i++) {
    const username = `u${i}`;
    const peer = {
      canonical: username,
      batch: false,
      coalescePresence: true,
      push(frame: string) {
        sent.frames++;
        sent.bytes += frame.length;
      },
      pushShared: () => false,
    };
    room.add(peer);
    members.push(username);
    people.push({ username, kind: "guest", role: "member" });
    // The welcome's list, as the join reads it after claiming the name.
    room.welcomed(peer, { members: [...members], people: [...people] });
    room.receive({
      type: "joined",
      username,
      ts: i,
      members: [...members],
      people: [...people],
    });
    clock.tick(1000 / joinsPerSecond);
  }
  clock.tick(2_000);
  return sent;
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      "joins-per-second": { type: "string", default: "25" },
      rounds: { type: "string", default: "200" },
    },
  });
  const rate = Number(values["joins-per-second"]);
  const rounds = Number(values.rounds);
  for (let i = 0; i < 20; i++) fill(rate);
  let frames = 0;
  let bytes = 0;
  const began = performance.now();
  for (let i = 0; i < rounds; i++) {
    const sent = fill(rate);
    frames += sent.frames;
    bytes += sent.bytes;
  }
  const joins = rounds * ROOM_SIZE;
  const us = (performance.now() - began) * 1000 / joins;
  console.log(
    `room of ${ROOM_SIZE} filling at ${rate} joins/s: ${
      us.toFixed(1)
    } µs of room work per join, ${
      (frames / joins).toFixed(2)
    } presence frames and ${(bytes / joins / 1024).toFixed(1)} KiB per join`,
  );
}
