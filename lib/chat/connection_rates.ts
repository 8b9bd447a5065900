/** One connection's rate limits on messages and joins, taken together with its address's budget. */
import { type Clock, systemClock } from "../clock.ts";
import type { AddressRates, RateKind } from "./address_rates.ts";
import { TokenBucket } from "./rate_limit.ts";

/** The per-connection message rate limit: a burst of 10, refilled at one a second. */
export const RATE_LIMIT = { burst: 10, perSecond: 1 } as const;
/** The per-connection limit on joins with a valid name: a burst of 10, refilled at one a second. */
export const JOIN_RATE_LIMIT = { burst: 10, perSecond: 1 } as const;

/** The budgets of one connection. */
export class ConnectionRates {
  #on: boolean;
  #address: string;
  #addressRates: AddressRates | undefined;
  #clock: Clock;
  #buckets: Partial<Record<RateKind, TokenBucket>> = {};

  /** Budgets for a connection from `address`; with `on` false everything passes. */
  constructor(options: {
    on: boolean;
    address: string;
    addressRates?: AddressRates;
    clock?: Clock;
  }) {
    this.#on = options.on;
    this.#address = options.address;
    this.#addressRates = options.addressRates;
    this.#clock = options.clock ?? systemClock;
  }

  /**
   * Takes one `kind` token from this connection and from its address's
   * budget; false, with nothing taken, when either is empty.
   */
  allow(kind: RateKind): boolean {
    if (!this.#on) return true;
    const limit = kind === "join" ? JOIN_RATE_LIMIT : RATE_LIMIT;
    const bucket = this.#buckets[kind] ??= new TokenBucket({
      ...limit,
      clock: this.#clock,
    });
    const addressRates = this.#addressRates;
    if (!bucket.has() || addressRates?.has(this.#address, kind) === false) {
      return false;
    }
    bucket.take();
    addressRates?.take(this.#address, kind);
    return true;
  }
}
