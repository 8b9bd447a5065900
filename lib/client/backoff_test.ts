import {
  deepStrictEqual as assertEquals,
  ok as assert,
} from "node:assert/strict";
import { BACKOFF_BASE_MS, BACKOFF_CAP_MS, backoffDelay } from "./backoff.ts";

Deno.test("backoff grows, is capped and jittered", () => {
  assertEquals(backoffDelay(0, () => 0), BACKOFF_BASE_MS / 2);
  assertEquals(backoffDelay(0, () => 1), BACKOFF_BASE_MS);
  assertEquals(backoffDelay(3, () => 1), BACKOFF_BASE_MS * 8);
  assertEquals(backoffDelay(30, () => 1), BACKOFF_CAP_MS);
  assert(backoffDelay(30, () => 0) >= BACKOFF_CAP_MS / 2);
});
