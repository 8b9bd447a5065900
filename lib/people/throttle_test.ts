import assert from "node:assert/strict";
import { MemoryAccounts } from "../backends/memory/accounts.ts";
import { FakeClock } from "../fake_clock.ts";
import {
  ADDRESS_FAILURE_LIMIT,
  FAILURE_WINDOW_MS,
  NAME_FAILURE_LIMIT,
  SIGNUP_LIMIT,
  SIGNUP_WINDOW_MS,
  Throttle,
} from "./throttle.ts";

function setup() {
  const clock = new FakeClock();
  const throttle = new Throttle(new MemoryAccounts({ clock }), clock);
  return { clock, throttle };
}

Deno.test("throttle: a name past its attempts waits out the window, counted on the clock", async () => {
  const { clock, throttle } = setup();
  for (let i = 0; i < NAME_FAILURE_LIMIT; i++) {
    assert.deepEqual(await throttle.attempt("ann", "1.1.1.1"), { ok: true });
  }
  assert.deepEqual(await throttle.attempt("ann", "2.2.2.2"), {
    ok: false,
    retryAfterS: FAILURE_WINDOW_MS / 1000,
  });
  clock.tick(FAILURE_WINDOW_MS - 1500);
  assert.deepEqual(await throttle.attempt("ann", "1.1.1.1"), {
    ok: false,
    retryAfterS: 2,
  });
  clock.tick(1500);
  assert.deepEqual(await throttle.attempt("ann", "1.1.1.1"), { ok: true });
});

Deno.test("throttle: a success clears the name; failures from one address stop it for every name", async () => {
  const { clock, throttle } = setup();
  for (let i = 0; i < NAME_FAILURE_LIMIT; i++) {
    await throttle.attempt("bo", "3.3.3.3");
  }
  await throttle.succeeded("bo");
  assert.deepEqual(await throttle.attempt("bo", "3.3.3.3"), { ok: true });
  for (let i = 0; i < ADDRESS_FAILURE_LIMIT; i++) {
    await throttle.failed("4.4.4.4");
  }
  clock.tick(60_000);
  assert.deepEqual(await throttle.attempt("cy", "4.4.4.4"), {
    ok: false,
    retryAfterS: (FAILURE_WINDOW_MS - 60_000) / 1000,
  });
  assert.deepEqual(await throttle.attempt("cy", "5.5.5.5"), { ok: true });
});

Deno.test("throttle: sign-ups per address, and any window through take", async () => {
  const { clock, throttle } = setup();
  for (let i = 0; i < SIGNUP_LIMIT; i++) {
    assert.equal((await throttle.signup("6.6.6.6")).ok, true);
  }
  assert.deepEqual(await throttle.signup("6.6.6.6"), {
    ok: false,
    retryAfterS: SIGNUP_WINDOW_MS / 1000,
  });
  const window = { limit: 1, windowMs: 10_000 };
  assert.deepEqual(await throttle.take("k", window), { ok: true });
  clock.tick(9_999);
  assert.deepEqual(await throttle.take("k", window), {
    ok: false,
    retryAfterS: 1,
  });
  clock.tick(1);
  assert.deepEqual(await throttle.take("k", window), { ok: true });
});
