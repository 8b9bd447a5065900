import assert from "node:assert/strict";
import { fitReplay } from "./replay.ts";

Deno.test("replay: the newest events that fit the byte budget, and whether older ones were cut", () => {
  const events = Array.from({ length: 10 }, (_, i) => ({ id: i, t: "中" }));
  const one = JSON.stringify(events[0]).length - 1 + 3 + 1;
  assert.deepEqual(fitReplay(events, 1_000_000), { events, cut: false });
  const fit = fitReplay(events, one * 3 + 1);
  assert.deepEqual(fit.events.map((e) => e.id), [7, 8, 9]);
  assert.equal(fit.cut, true);
  assert.deepEqual(fitReplay(events, 0), { events: [], cut: true });
  assert.deepEqual(fitReplay([], 0), { events: [], cut: false });
});
