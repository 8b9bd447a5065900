import assert from "node:assert/strict";
import { isStorageFailure, WriteHealth } from "./health.ts";

Deno.test("isStorageFailure: the disk and the file, not a refused value", () => {
  assert.ok(isStorageFailure(new TypeError("database or disk is full")));
  assert.ok(isStorageFailure(new Error("disk I/O error")));
  assert.ok(
    isStorageFailure(new Error("attempt to write a readonly database")),
  );
  assert.ok(
    !isStorageFailure(new TypeError("Value too large (max 65536 bytes)")),
  );
  assert.ok(!isStorageFailure(new TypeError("Too many mutations (max 1000)")));
});

Deno.test("WriteHealth: a failure makes it throw until a probe passes", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const health = new WriteHealth(kv);
    await health.check();
    health.failed(new TypeError("database or disk is full"));
    await assert.rejects(
      health.check(),
      /writes are failing: database or disk is full/,
    );
  } finally {
    kv.close();
  }
});
