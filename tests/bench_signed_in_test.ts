/** The signed-in join bench (issue 13 item 9) at a tiny size: both kinds of join complete and are timed. */
import assert from "node:assert/strict";
import { signedInJoin } from "../bench/signed_in_join.ts";

Deno.test({
  name: "bench: signed-in and guest joins both complete and are timed",
  async fn() {
    const result = await signedInJoin({
      joins: 40,
      concurrency: 4,
      store: "memory",
      rounds: 2,
    });
    assert.equal(result.guest.joins, 40);
    assert.equal(result.account.joins, 40);
    assert.ok(result.guest.p50Ms > 0 && result.account.p50Ms > 0);
    assert.ok(Number.isFinite(result.p50Ratio));
  },
});
