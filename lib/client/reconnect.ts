/** Reconnecting after a lost socket: the backoff delay, the one retry timer, and the join that resumes with `since`. */
import type { JoinFrame } from "../protocol/events.ts";
import type { ChatState } from "./chat_state.ts";

/** Timer functions, injectable for tests. */
export interface Timers {
  set(callback: () => void, ms: number): unknown;
  clear(id: unknown): void;
}

/** Largest reconnect delay. */
export const BACKOFF_CAP_MS = 10_000;
const BACKOFF_BASE_MS = 500;

/** The browser's timers. */
export const defaultTimers: Timers = {
  set: (callback, ms) => setTimeout(callback, ms),
  clear: (id) => clearTimeout(id as number),
};

/** Delay before reconnect attempt `attempt` (0-based): exponential, capped, with jitter in its upper half. */
export function backoffDelay(
  attempt: number,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** attempt);
  return Math.round(ceiling / 2 + random() * ceiling / 2);
}

/** Attempts since the last success, and the timer of the next one. */
export class Backoff {
  #timers: Timers;
  #random: () => number;
  #attempt = 0;
  #timer: unknown = null;

  /** A backoff on `timers`, its jitter from `random`. */
  constructor(timers: Timers, random: () => number) {
    this.#timers = timers;
    this.#random = random;
  }

  /** The delay before the next attempt; counts the attempt. */
  next(): number {
    return backoffDelay(this.#attempt++, this.#random);
  }

  /** Calls `retry` after `ms`, the one pending attempt. */
  start(retry: () => void, ms: number): void {
    this.#timer = this.#timers.set(() => {
      this.#timer = null;
      retry();
    }, ms);
  }

  /** Cancels the pending attempt, if any. */
  cancel(): void {
    if (this.#timer !== null) this.#timers.clear(this.#timer);
    this.#timer = null;
  }

  /** Starts again from the shortest delay (after a welcome). */
  reset(): void {
    this.#attempt = 0;
  }
}

/** The `join` for our name, resuming after the newest id we hold; null before a name is chosen. */
export function joinFrame(
  state: Pick<ChatState, "username" | "lastId" | "messages">,
  clientId: string | undefined,
): JoinFrame | null {
  const username = state.username;
  if (username === null) return null;
  const frame: JoinFrame = {
    type: "join",
    username,
    batch: true,
    presence: "coalesced",
  };
  if (clientId) frame.clientId = clientId;
  const since = [state.lastId, state.messages.at(-1)?.id]
    .filter((id) => typeof id === "string").sort().at(-1);
  if (since !== undefined) frame.since = since;
  return frame;
}
