/** A clock for unit tests: time moves only when the test says so. */
import type { Clock, TimerId } from "./clock.ts";

interface Timer {
  at: number;
  fn: () => void;
}

/** A {@linkcode Clock} whose time moves only through {@linkcode FakeClock.tick}. */
export class FakeClock implements Clock {
  #now: number;
  #timers = new Map<number, Timer>();
  #nextId = 1;

  /** A clock that reads `start` (wall and monotonic) until it is moved. */
  constructor(start = 1_700_000_000_000) {
    this.#now = start;
  }

  /** The current time. */
  now(): number {
    return this.#now;
  }

  /** The same as {@linkcode FakeClock.now}: a fake clock never goes back. */
  monotonic(): number {
    return this.#now;
  }

  /** Schedules `fn` for `ms` from now (at least 0). */
  setTimeout(fn: () => void, ms: number): number {
    const id = this.#nextId++;
    this.#timers.set(id, { at: this.#now + Math.max(0, ms), fn });
    return id;
  }

  /** Cancels a timer. */
  clearTimeout(id: TimerId | undefined): void {
    if (typeof id === "number") this.#timers.delete(id);
  }

  /** Timers set and not yet run or cancelled. */
  get pending(): number {
    return this.#timers.size;
  }

  /**
   * Moves time forward by `ms`, running every timer that falls due on the
   * way, earliest first (and those set by them, when due within `ms`).
   */
  tick(ms: number): void {
    const end = this.#now + ms;
    while (true) {
      let nextId: number | undefined;
      let next: Timer | undefined;
      for (const [id, timer] of this.#timers) {
        if (timer.at <= end && (!next || timer.at < next.at)) {
          nextId = id;
          next = timer;
        }
      }
      if (!next || nextId === undefined) break;
      this.#timers.delete(nextId);
      this.#now = next.at;
      next.fn();
    }
    this.#now = end;
  }
}
