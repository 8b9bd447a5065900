/**
 * Rate limits per client address, across all its connections and
 * reconnects, next to each connection's own: closing a socket and opening
 * another gives no fresh allowance. An address is forgotten once its
 * buckets are full again. Loopback addresses have no budget: there the
 * peer is a local proxy (whose clients all share its address unless it is
 * in `CHAT_TRUSTED_PROXIES`) or a local tool.
 */
import { type Clock, systemClock } from "../clock.ts";
import { TokenBucket } from "./rate_limit.ts";

/** Token-bucket settings. */
export interface Rate {
  readonly burst: number;
  readonly perSecond: number;
}

/** What is rate-limited per address. */
export type RateKind = "message" | "join";

/** Messages of all the connections of one address: a burst of 100, refilled at 10 a second. */
export const ADDRESS_RATE_LIMIT: Rate = { burst: 100, perSecond: 10 };
/** Joins of all the connections of one address: a burst of 300 (a class behind one NAT), refilled at 10 a second. */
export const ADDRESS_JOIN_RATE_LIMIT: Rate = { burst: 300, perSecond: 10 };
/** How often buckets that are full again are forgotten. */
export const SWEEP_MS = 5_000;

/** The rate-limit buckets of every client address seen lately. */
export class AddressRates {
  #rates: Record<RateKind, Rate>;
  #clock: Clock;
  #buckets = new Map<string, Record<RateKind, TokenBucket>>();
  #sweeper: ReturnType<typeof setInterval> | undefined;

  /** Defaults: {@linkcode ADDRESS_RATE_LIMIT} and {@linkcode ADDRESS_JOIN_RATE_LIMIT}, the system clock. */
  constructor(
    options: { rates?: Record<RateKind, Rate>; clock?: Clock } = {},
  ) {
    this.#rates = options.rates ??
      { message: ADDRESS_RATE_LIMIT, join: ADDRESS_JOIN_RATE_LIMIT };
    this.#clock = options.clock ?? systemClock;
  }

  /** Addresses with a bucket not yet full (bounded memory, for tests and metrics). */
  get size(): number {
    return this.#buckets.size;
  }

  /** True when `address` may do one more `kind` (nothing is taken). */
  has(address: string, kind: RateKind): boolean {
    if (isLoopback(address)) return true;
    return this.#buckets.get(address)?.[kind].has() ?? true;
  }

  /** Takes one `kind` token of `address`; false when it has none. */
  take(address: string, kind: RateKind): boolean {
    if (isLoopback(address)) return true;
    let buckets = this.#buckets.get(address);
    if (!buckets) {
      const clock = this.#clock;
      buckets = {
        message: new TokenBucket({ ...this.#rates.message, clock }),
        join: new TokenBucket({ ...this.#rates.join, clock }),
      };
      this.#buckets.set(address, buckets);
      this.#startSweeping();
    }
    return buckets[kind].take();
  }

  /** Forgets the addresses whose buckets are full again. */
  sweep(): void {
    for (const [address, buckets] of this.#buckets) {
      if (buckets.message.full() && buckets.join.full()) {
        this.#buckets.delete(address);
      }
    }
    if (this.#buckets.size === 0) this.close();
  }

  /** Stops the sweeper (the buckets stay until the next take). */
  close(): void {
    clearInterval(this.#sweeper);
    this.#sweeper = undefined;
  }

  #startSweeping(): void {
    if (this.#sweeper !== undefined) return;
    this.#sweeper = setInterval(() => this.sweep(), SWEEP_MS);
    Deno.unrefTimer(this.#sweeper);
  }
}

/** True for 127.0.0.0/8, ::1 and IPv4-mapped loopback. */
export function isLoopback(address: string): boolean {
  const bare = address.replace(/^::ffff:/i, "");
  return bare === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(bare);
}
