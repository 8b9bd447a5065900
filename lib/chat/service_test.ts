import assert from "node:assert/strict";
import { IDLE_TIMEOUT_JITTER, jitterIdleTimeout } from "./service.ts";

Deno.test("idle timeouts are spread below the setting, never above", () => {
  assert.equal(jitterIdleTimeout(30, () => 0), 30);
  assert.equal(jitterIdleTimeout(30, () => 1), 30 * (1 - IDLE_TIMEOUT_JITTER));
  const seen = new Set<number>();
  for (let i = 0; i < 1000; i++) {
    const value = jitterIdleTimeout(30);
    assert.ok(value <= 30 && value >= 30 * (1 - IDLE_TIMEOUT_JITTER));
    seen.add(Math.floor(value));
  }
  assert.ok(seen.size >= 5, "spread over the whole range");
});
