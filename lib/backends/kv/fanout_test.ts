import assert from "node:assert/strict";
import { within } from "../../../tests/support/within.ts";
import type { RoomEvent } from "../../chat/fanout.ts";
import { KvFanout } from "./fanout.ts";

Deno.test("kv fanout: another isolate's event arrives; one watch per room however many subscribe at once, gone after the last", async () => {
  const kv = await Deno.openKv(":memory:");
  const here = new KvFanout(kv);
  const there = new KvFanout(kv);
  try {
    const got = Promise.withResolvers<RoomEvent>();
    const [stopA, stopB] = await Promise.all([
      there.subscribe("r", (event) => got.resolve(event)),
      there.subscribe("r", () => {}),
    ]);
    assert.equal(there.retained(), 1, "two subscribers at once share a watch");
    here.publish("r", { type: "typing", username: "ann" });
    assert.deepEqual(await within(got.promise, { what: "ann's typing" }), {
      type: "typing",
      username: "ann",
    });
    stopA();
    stopA();
    assert.equal(there.retained(), 1, "the other subscriber still holds it");
    stopB();
    assert.equal(there.retained(), 0);
  } finally {
    here.close();
    there.close();
    kv.close();
  }
});
