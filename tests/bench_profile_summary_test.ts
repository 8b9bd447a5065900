import assert from "node:assert/strict";
import {
  busyBySecond,
  type CpuProfile,
  profileWindow,
  summariseProfile,
} from "../bench/profile_summary.ts";

function frame(id: number, functionName: string, children: number[] = []) {
  return {
    id,
    callFrame: { functionName, url: "", lineNumber: 0, columnNumber: 0 },
    children,
  };
}

/** Root (1) with `(idle)` (2), `(garbage collector)` (3) and `send` (4); samples every 250 ms over 3 s. */
function profile(): CpuProfile {
  // second 0: idle ×4; second 1: gc, gc, gc, send; second 2: send, idle ×3
  const samples = [2, 2, 2, 2, 3, 3, 3, 4, 4, 2, 2, 2];
  return {
    nodes: [
      frame(1, "(root)", [2, 3, 4]),
      frame(2, "(idle)"),
      frame(3, "(garbage collector)"),
      frame(4, "send"),
    ],
    samples,
    // The first sample at the start; each next one 250 ms later.
    timeDeltas: samples.map((_, i) => i === 0 ? 0 : 250_000).concat(250_000),
    startTime: 1_000_000,
    endTime: 4_000_000,
  };
}

Deno.test("profile summary: the busy share of each second", () => {
  assert.deepEqual(busyBySecond(profile()), [0, 100, 25]);
});

Deno.test("profile summary: a window keeps only its seconds' samples and their times", () => {
  const second = profileWindow(profile(), { fromS: 1, toS: 2 });
  assert.deepEqual(second.samples, [3, 3, 3, 4]);
  const entries = summariseProfile(second, { root: "file:///x/" });
  assert.deepEqual(
    entries.map((e) => [e.function, e.selfMs, e.selfPercent]),
    [["(garbage collector)", 750, 75], ["send", 250, 25]],
  );
  assert.deepEqual(
    profileWindow(profile(), { fromS: 5, toS: 6 }).samples,
    [],
  );
});
