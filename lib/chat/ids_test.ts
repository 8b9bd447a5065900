import assert from "node:assert/strict";
import { compareIds, formatId, parseId } from "./ids.ts";

Deno.test("ids sort as strings in sequence order", () => {
  const seqs = [1, 2, 9, 10, 99, 100, 12345, 1_764_000_000_000_000];
  const ids = seqs.map(formatId);
  assert.deepEqual([...ids].sort(), ids);
  assert.deepEqual([...ids].reverse().sort(compareIds), ids);
  for (const seq of seqs) assert.equal(parseId(formatId(seq)), seq);
  assert.equal(parseId("abc"), undefined);
  assert.equal(parseId(""), undefined);
});
