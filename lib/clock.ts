/**
 * Time as a dependency: what the chat reads of the clock and the timers it
 * sets, so that unit tests move time themselves (lib/fake_clock.ts) and never
 * sleep.
 */

/** What {@linkcode Clock.setTimeout} returns. */
export type TimerId = number | ReturnType<typeof setTimeout>;

/** A clock and its timers. */
export interface Clock {
  /** Wall-clock milliseconds since the epoch, as `Date.now()`. */
  now(): number;
  /** Milliseconds that only grow, as `performance.now()`. */
  monotonic(): number;
  /** Calls `fn` once, `ms` from now; the id is for {@linkcode Clock.clearTimeout}. */
  setTimeout(fn: () => void, ms: number): TimerId;
  /** Cancels a timer; an unknown or undefined id is ignored. */
  clearTimeout(id: TimerId | undefined): void;
}

/** The real clock. */
export const systemClock: Clock = {
  now: () => Date.now(),
  monotonic: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (id) => clearTimeout(id),
};

/**
 * Calls `fn` every `everyMs` on `clock` (as `setInterval`), each period
 * counted from the start of the one before, until the returned stop is called.
 */
export function repeat(
  fn: () => void,
  options: { everyMs: number; clock?: Clock },
): () => void {
  const clock = options.clock ?? systemClock;
  let timer: TimerId | undefined;
  let stopped = false;
  const arm = () => {
    timer = clock.setTimeout(() => {
      if (stopped) return;
      arm();
      fn();
    }, options.everyMs);
  };
  arm();
  return () => {
    stopped = true;
    clock.clearTimeout(timer);
  };
}

/**
 * Waits for `promise` at most `ms` on `clock`: true when it fulfilled in
 * time, false when the time ran out first; a rejection passes through.
 */
export async function within(
  promise: Promise<unknown>,
  options: { ms: number; clock?: Clock },
): Promise<boolean> {
  const clock = options.clock ?? systemClock;
  let timer: TimerId | undefined;
  const late = new Promise<boolean>((resolve) => {
    timer = clock.setTimeout(() => resolve(false), options.ms);
  });
  try {
    return await Promise.race([promise.then(() => true), late]);
  } finally {
    clock.clearTimeout(timer);
  }
}

/** `promise`, or a rejection with `error()` once `ms` passed on `clock` first. */
export async function withDeadline<T>(
  promise: Promise<T>,
  options: { ms: number; error: () => Error; clock?: Clock },
): Promise<T> {
  const clock = options.clock ?? systemClock;
  let timer: TimerId | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = clock.setTimeout(() => reject(options.error()), options.ms);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clock.clearTimeout(timer);
  }
}
