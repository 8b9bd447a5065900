import assert from "node:assert/strict";
import { bySite, type SamplingNode } from "../bench/promoted.ts";

function node(
  name: string,
  selfSize: number,
  children: SamplingNode[] = [],
): SamplingNode {
  return {
    callFrame: {
      functionName: name,
      url: `file:///work/main/lib/${name}.ts`,
      lineNumber: 0,
    },
    selfSize,
    children,
  };
}

Deno.test("promoted: bytes go to their innermost frames, most first", () => {
  const head = node("(root)", 0, [
    node("serve", 10, [node("respond", 300), node("join", 50)]),
    node("timer", 0, [node("respond", 40)]),
  ]);
  const { total, sites } = bySite(head, 2);
  assert.equal(total, 400);
  assert.deepEqual(sites, [
    ["respond lib/respond.ts:1 < serve lib/serve.ts:1", 300],
    ["join lib/join.ts:1 < serve lib/serve.ts:1", 50],
    ["respond lib/respond.ts:1 < timer lib/timer.ts:1", 40],
    ["serve lib/serve.ts:1", 10],
  ]);
});
