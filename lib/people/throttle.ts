/** Limits on failed sign-ins and on sign-ups, shared by every server of one store. */
import { type Clock, systemClock } from "../clock.ts";
import type { AccountStore } from "./accounts.ts";

/** Failed sign-ins for one name before it is refused with 429 for the rest of the window. */
export const NAME_FAILURE_LIMIT = 5;
/** Failed sign-ins from one address (any names) before it is refused with 429. */
export const ADDRESS_FAILURE_LIMIT = 30;
/** The window of both failure limits: 15 minutes from the first failure. */
export const FAILURE_WINDOW_MS = 15 * 60_000;
/** Accounts one address may create per window. */
export const SIGNUP_LIMIT = 20;
/** The window of the sign-up limit: one hour. */
export const SIGNUP_WINDOW_MS = 60 * 60_000;

/** An attempt may go ahead, or must wait `retryAfterS` seconds. */
export type Verdict = { ok: true } | { ok: false; retryAfterS: number };

/** Counts sign-in attempts per name and failures per address. */
export class Throttle {
  #store: AccountStore;
  #clock: Clock;

  /** Keeps its counters in `store`; `clock` says how long a refused attempt waits. */
  constructor(store: AccountStore, clock: Clock = systemClock) {
    this.#store = store;
    this.#clock = clock;
  }

  #wait(resetAt: number): Verdict {
    return {
      ok: false,
      retryAfterS: Math.max(
        1,
        Math.ceil((resetAt - this.#clock.now()) / 1000),
      ),
    };
  }

  /**
   * Takes a sign-in attempt for `name` from `address`. The name's attempt
   * is counted before the password is checked, so a burst sent at once is
   * cut off at the limit too; a success clears it ({@linkcode succeeded}).
   */
  async attempt(
    name: string,
    address: string,
  ): Promise<Verdict> {
    const byAddress = await this.#store.failures(`addr:${address}`);
    if (byAddress && byAddress.count >= ADDRESS_FAILURE_LIMIT) {
      return this.#wait(byAddress.resetAt);
    }
    return await this.take(`name:${name}`, {
      limit: NAME_FAILURE_LIMIT,
      windowMs: FAILURE_WINDOW_MS,
    });
  }

  /** Counts one use of `key` in its window (from the first use); refused once past `limit`. */
  async take(
    key: string,
    options: { limit: number; windowMs: number },
  ): Promise<Verdict> {
    const window = await this.#store.countFailure(key, options.windowMs);
    return window.count > options.limit
      ? this.#wait(window.resetAt)
      : { ok: true };
  }

  /** Records a failed attempt against its address. */
  async failed(address: string): Promise<void> {
    await this.#store.countFailure(`addr:${address}`, FAILURE_WINDOW_MS);
  }

  /** Clears the name's count after a successful sign-in. */
  async succeeded(name: string): Promise<void> {
    await this.#store.clearFailures(`name:${name}`);
  }

  /** Takes one sign-up from `address`. */
  async signup(address: string): Promise<Verdict> {
    return await this.take(`signup:${address}`, {
      limit: SIGNUP_LIMIT,
      windowMs: SIGNUP_WINDOW_MS,
    });
  }
}
