import { type Clock, systemClock } from "../clock.ts";

/** A token bucket: `burst` tokens, refilled at `perSecond`. */
export class TokenBucket {
  #tokens: number;
  #updated: number;
  #clock: Clock;
  readonly burst: number;
  readonly perSecond: number;

  /** A full bucket. */
  constructor(options: { burst: number; perSecond: number; clock?: Clock }) {
    this.burst = options.burst;
    this.perSecond = options.perSecond;
    this.#clock = options.clock ?? systemClock;
    this.#tokens = options.burst;
    this.#updated = this.#clock.monotonic();
  }

  /** Takes one token; false when the bucket is empty. */
  take(): boolean {
    if (!this.has()) return false;
    this.#tokens -= 1;
    return true;
  }

  /** True when a token is there to take (nothing is taken). */
  has(): boolean {
    this.#refill();
    return this.#tokens >= 1;
  }

  /** True once refilled to its burst: forgetting it then changes nothing. */
  full(): boolean {
    this.#refill();
    return this.#tokens >= this.burst;
  }

  #refill(): void {
    const now = this.#clock.monotonic();
    const elapsed = Math.max(0, now - this.#updated) / 1000;
    this.#tokens = Math.min(
      this.burst,
      this.#tokens + elapsed * this.perSecond,
    );
    this.#updated = now;
  }
}

/** Lets one event through per `intervalMs`, silently dropping the rest. */
export class Throttle {
  #last = -Infinity;
  #clock: Clock;
  readonly intervalMs: number;

  /** A throttle that has never fired. */
  constructor(intervalMs: number, clock: Clock = systemClock) {
    this.intervalMs = intervalMs;
    this.#clock = clock;
  }

  /** True when enough time has passed since the last event let through. */
  pass(): boolean {
    const now = this.#clock.monotonic();
    if (now - this.#last < this.intervalMs) return false;
    this.#last = now;
    return true;
  }
}
