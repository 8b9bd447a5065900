import assert from "node:assert/strict";
import { type Level, throttledLogger } from "./log.ts";

Deno.test("throttledLogger writes a recurring line once per interval, with how many it left out", async () => {
  const lines: [Level, string, Record<string, unknown> | undefined][] = [];
  const log = throttledLogger(
    (level, event, fields) => lines.push([level, event, fields]),
    { intervalMs: 200 },
  );
  const start = Date.now();
  for (let i = 0; i < 5; i++) log("error", "kv_failed", { reason: "full" });
  log("error", "kv_failed", { reason: "other" });
  assert.deepEqual(lines, [
    ["error", "kv_failed", { reason: "full" }],
    ["error", "kv_failed", { reason: "other" }],
  ]);
  while (Date.now() - start < 200) {
    await new Promise((r) => setTimeout(r, 20));
  }
  log("error", "kv_failed", { reason: "full" });
  assert.deepEqual(lines[2], [
    "error",
    "kv_failed",
    { reason: "full", repeated: 4 },
  ]);
});
