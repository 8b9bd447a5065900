/**
 * Many deadlines of one length on one timer: what a per-item `setTimeout`
 * does, for a process that arms one per connection and clears it a moment
 * later. Deadlines of one length fall due in the order they were set, so a
 * queue holds them and a single timer waits for the oldest still pending.
 */
import { type Clock, systemClock, type TimerId } from "./clock.ts";

/** One deadline of {@linkcode Deadlines}: met by {@linkcode Deadlines.meet}, else missed at its time. */
export interface Deadline {
  readonly at: number;
  /** Called once if the deadline passes unmet. */
  missed: (() => void) | undefined;
}

/** Queue entries of met deadlines kept at most before the queue is compacted. */
const COMPACT_AFTER = 1024;

/** Deadlines `ms` after they are set, on one timer. */
export class Deadlines {
  readonly ms: number;
  #clock: Clock;
  #queue: Deadline[] = [];
  #head = 0;
  #timer: TimerId | undefined;
  #pending = 0;

  /** Deadlines `options.ms` long, on `options.clock` (the system clock by default). */
  constructor(options: { ms: number; clock?: Clock }) {
    this.ms = options.ms;
    this.#clock = options.clock ?? systemClock;
  }

  /** Deadlines set and neither met nor missed. */
  get pending(): number {
    return this.#pending;
  }

  /** A deadline `ms` from now; `missed` runs then unless it was met first. */
  set(missed: () => void): Deadline {
    const deadline = { at: this.#clock.monotonic() + this.ms, missed };
    this.#queue.push(deadline);
    this.#pending++;
    if (this.#timer === undefined) this.#arm();
    return deadline;
  }

  /** Meets `deadline`: its `missed` will not run (a second call changes nothing). */
  meet(deadline: Deadline): void {
    if (deadline.missed === undefined) return;
    deadline.missed = undefined;
    this.#pending--;
    if (this.#pending === 0) this.#clear();
  }

  /** Forgets every deadline and stops the timer. */
  close(): void {
    for (let i = this.#head; i < this.#queue.length; i++) {
      this.#queue[i].missed = undefined;
    }
    this.#pending = 0;
    this.#clear();
  }

  #clear(): void {
    this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#queue = [];
    this.#head = 0;
  }

  /** Drops met deadlines from the head and sets the timer for the oldest pending one. */
  #arm(): void {
    const queue = this.#queue;
    while (this.#head < queue.length && !queue[this.#head].missed) this.#head++;
    if (this.#head >= COMPACT_AFTER && this.#head * 2 >= queue.length) {
      this.#queue = queue.slice(this.#head);
      this.#head = 0;
    }
    const next = this.#queue[this.#head];
    if (!next) {
      this.#timer = undefined;
      return;
    }
    const wait = Math.max(0, next.at - this.#clock.monotonic());
    this.#timer = this.#clock.setTimeout(() => this.#fire(), wait);
  }

  #fire(): void {
    const now = this.#clock.monotonic();
    const late: (() => void)[] = [];
    const queue = this.#queue;
    while (this.#head < queue.length && queue[this.#head].at <= now) {
      const deadline = queue[this.#head++];
      if (!deadline.missed) continue;
      late.push(deadline.missed);
      deadline.missed = undefined;
      this.#pending--;
    }
    this.#arm();
    for (const missed of late) missed();
  }
}
