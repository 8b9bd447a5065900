/** A token bucket: `burst` tokens, refilled at `perSecond`. */
export class TokenBucket {
  #tokens: number;
  #updated: number;
  readonly burst: number;
  readonly perSecond: number;

  /** A full bucket. */
  constructor(options: { burst: number; perSecond: number; now?: number }) {
    this.burst = options.burst;
    this.perSecond = options.perSecond;
    this.#tokens = options.burst;
    this.#updated = options.now ?? performance.now();
  }

  /** Takes one token; false when the bucket is empty. */
  take(now: number = performance.now()): boolean {
    const elapsed = Math.max(0, now - this.#updated) / 1000;
    this.#tokens = Math.min(
      this.burst,
      this.#tokens + elapsed * this.perSecond,
    );
    this.#updated = now;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}

/** Lets one event through per `intervalMs`, silently dropping the rest. */
export class Throttle {
  #last = -Infinity;
  readonly intervalMs: number;

  /** A throttle that has never fired. */
  constructor(intervalMs: number) {
    this.intervalMs = intervalMs;
  }

  /** True when enough time has passed since the last event let through. */
  pass(now: number = performance.now()): boolean {
    if (now - this.#last < this.intervalMs) return false;
    this.#last = now;
    return true;
  }
}
