import assert from "node:assert/strict";
import { FakeClock } from "./fake_clock.ts";
import { type Level, throttledLogger } from "./log.ts";

Deno.test("throttledLogger writes a recurring line once per interval, with how many it left out", () => {
  const lines: [Level, string, Record<string, unknown> | undefined][] = [];
  const clock = new FakeClock();
  const log = throttledLogger(
    (level, event, fields) => lines.push([level, event, fields]),
    { intervalMs: 200, clock },
  );
  for (let i = 0; i < 5; i++) log("error", "kv_failed", { reason: "full" });
  log("error", "kv_failed", { reason: "other" });
  assert.deepEqual(lines, [
    ["error", "kv_failed", { reason: "full" }],
    ["error", "kv_failed", { reason: "other" }],
  ]);
  clock.tick(199);
  log("error", "kv_failed", { reason: "full" });
  assert.equal(lines.length, 2, "still within the interval");
  clock.tick(1);
  log("error", "kv_failed", { reason: "full" });
  assert.deepEqual(lines[2], [
    "error",
    "kv_failed",
    { reason: "full", repeated: 5 },
  ]);
});
