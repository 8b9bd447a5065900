import assert from "node:assert/strict";
import { compareIds, formatId, parseId, seqNotAfter } from "./ids.ts";

Deno.test("ids sort as strings in sequence order", () => {
  const seqs = [1, 2, 9, 10, 99, 100, 12345, 1_764_000_000_000_000];
  const ids = seqs.map(formatId);
  assert.deepEqual([...ids].sort(), ids);
  assert.deepEqual([...ids].reverse().sort(compareIds), ids);
  for (const seq of seqs) assert.equal(parseId(formatId(seq)), seq);
  assert.equal(parseId("abc"), undefined);
  assert.equal(parseId(""), undefined);
});

Deno.test("any string maps onto a position between ids", () => {
  assert.equal(seqNotAfter(formatId(42)), 42);
  assert.equal(seqNotAfter(formatId(42), { strict: true }), 41);
  assert.equal(seqNotAfter(formatId(42) + "x"), 42);
  assert.equal(seqNotAfter(""), -1);
  assert.equal(seqNotAfter("", { strict: true }), -1);
  assert.equal(seqNotAfter(formatId(0)), 0);
  assert.equal(seqNotAfter(formatId(0), { strict: true }), -1);
  assert.equal(seqNotAfter("zzz"), Number.MAX_SAFE_INTEGER);
  assert.equal(seqNotAfter("00000000000001"), 99);
  for (
    const probe of [
      "0000000000000099",
      "00000000000000995",
      "000000000000010",
      "5",
    ]
  ) {
    const seq = seqNotAfter(probe);
    assert.ok(formatId(seq) <= probe && formatId(seq + 1) > probe, probe);
  }
});
