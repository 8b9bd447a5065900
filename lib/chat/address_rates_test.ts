import assert from "node:assert/strict";
import { FakeClock } from "../fake_clock.ts";
import { AddressRates, isLoopback } from "./address_rates.ts";

Deno.test("address rates: one budget per address and kind, forgotten once full again", () => {
  const clock = new FakeClock(0);
  const rates = new AddressRates({
    rates: {
      message: { burst: 3, perSecond: 1 },
      join: { burst: 2, perSecond: 1 },
    },
    clock,
  });
  try {
    for (let i = 0; i < 3; i++) assert.equal(rates.take("a", "message"), true);
    assert.equal(rates.has("a", "message"), false);
    assert.equal(rates.take("a", "message"), false);
    assert.equal(rates.take("b", "message"), true, "another address");
    assert.equal(rates.take("a", "join"), true, "another kind");
    clock.tick(1000);
    assert.equal(rates.take("a", "message"), true, "refilled");
    assert.equal(rates.size, 2);
    clock.tick(500);
    rates.sweep();
    assert.equal(rates.size, 1, "b is full again, a is not");
    clock.tick(10_000);
    rates.sweep();
    assert.equal(rates.size, 0);
    assert.equal(rates.has("a", "message"), true);
  } finally {
    rates.close();
  }
});

Deno.test("address rates: loopback (a local proxy or tool) has no budget", () => {
  const rates = new AddressRates({
    rates: {
      message: { burst: 1, perSecond: 1 },
      join: { burst: 1, perSecond: 1 },
    },
    clock: new FakeClock(0),
  });
  try {
    for (let i = 0; i < 5; i++) {
      assert.equal(rates.take("127.0.0.1", "message"), true);
    }
    assert.equal(rates.size, 0);
    assert.deepEqual(
      [
        "127.0.0.1",
        "127.1.2.3",
        "::1",
        "::ffff:127.0.0.1",
        "128.0.0.1",
        "10.0.0.1",
        "::2",
      ].map(isLoopback),
      [true, true, true, true, false, false, false],
    );
  } finally {
    rates.close();
  }
});
