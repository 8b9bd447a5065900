/** How long to wait before the next reconnect attempt: exponential, capped, jittered. */

/** Largest reconnect delay. */
export const BACKOFF_CAP_MS = 10_000;
/** The first attempt's delay ceiling; each attempt doubles it up to {@linkcode BACKOFF_CAP_MS}. */
export const BACKOFF_BASE_MS = 500;

/** Delay before reconnect attempt `attempt` (0-based): exponential, capped, with jitter in its upper half. */
export function backoffDelay(
  attempt: number,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** attempt);
  return Math.round(ceiling / 2 + random() * ceiling / 2);
}
