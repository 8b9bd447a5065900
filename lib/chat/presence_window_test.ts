import assert from "node:assert/strict";
import { FakeClock } from "../fake_clock.ts";
import {
  MAX_PRESENCE_FLUSH_MS,
  MAX_STORM_PRESENCE_MS,
  PRESENCE_FLUSH_MS,
  PresencePacing,
  presenceWindowMs,
} from "./presence_window.ts";

/** Opens and closes windows back to back, each `gap` ms after the last closed; their lengths. */
function storm(pacing: PresencePacing, clock: FakeClock, options: {
  windows: number;
  peers: number;
  gap: number;
}): number[] {
  const lengths: number[] = [];
  for (let i = 0; i < options.windows; i++) {
    clock.tick(options.gap);
    const length = pacing.open(options.peers, 0);
    lengths.push(length);
    clock.tick(length);
    pacing.closed();
  }
  return lengths;
}

Deno.test("presence pacing: a lone change gets the room's base window", () => {
  const clock = new FakeClock();
  const pacing = new PresencePacing(clock);
  assert.equal(pacing.open(1, 0), PRESENCE_FLUSH_MS);
  clock.tick(PRESENCE_FLUSH_MS);
  pacing.closed();
  clock.tick(PRESENCE_FLUSH_MS);
  assert.equal(pacing.open(30, 0), presenceWindowMs(30));
});

Deno.test("presence pacing: changes that keep coming double the window up to the storm's longest", () => {
  const clock = new FakeClock();
  const lengths = storm(new PresencePacing(clock), clock, {
    windows: 9,
    peers: 50,
    gap: 10,
  });
  assert.deepEqual(lengths, [
    500,
    1000,
    2000,
    4000,
    4000,
    4000,
    4000,
    4000,
    4000,
  ]);
  assert.equal(Math.max(...lengths), MAX_STORM_PRESENCE_MS);
});

Deno.test("presence pacing: a quiet spell as long as the last window ends the storm", () => {
  const clock = new FakeClock();
  const pacing = new PresencePacing(clock);
  storm(pacing, clock, { windows: 4, peers: 100, gap: 1 });
  clock.tick(MAX_STORM_PRESENCE_MS - 1);
  assert.equal(pacing.open(100, 0), MAX_STORM_PRESENCE_MS, "1 ms short");
  clock.tick(MAX_STORM_PRESENCE_MS);
  pacing.closed();
  clock.tick(MAX_STORM_PRESENCE_MS);
  assert.equal(pacing.open(100, 0), MAX_PRESENCE_FLUSH_MS);
});

Deno.test("presence pacing: a room's people over every server count as much as its connections here", () => {
  const clock = new FakeClock();
  assert.equal(new PresencePacing(clock).open(2, 100), MAX_PRESENCE_FLUSH_MS);
  assert.equal(new PresencePacing(clock).open(100, 2), MAX_PRESENCE_FLUSH_MS);
  assert.equal(new PresencePacing(clock).open(2, 2), PRESENCE_FLUSH_MS);
});
