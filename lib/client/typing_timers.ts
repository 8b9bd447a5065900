/** How long others show as typing: one timer per person, renewed by each `typing` event. */
import type { Clock, TimerId } from "../clock.ts";

/** How long "bob is typing…" stays without another typing event. */
export const TYPING_TTL_MS = 3000;

/** The typing timers of one client. */
export class TypingTimers {
  #clock: Clock;
  #onExpire: (username: string) => void;
  #pending = new Map<string, TimerId>();

  /** Timers on `clock`; `onExpire` is told when someone stops showing as typing. */
  constructor(clock: Clock, onExpire: (username: string) => void) {
    this.#clock = clock;
    this.#onExpire = onExpire;
  }

  /** (Re)starts `username`'s timer. */
  start(username: string): void {
    this.stop(username);
    this.#pending.set(
      username,
      this.#clock.setTimeout(() => {
        this.#pending.delete(username);
        this.#onExpire(username);
      }, TYPING_TTL_MS),
    );
  }

  /** Stops `username`'s timer (a message or a leave ended the typing). */
  stop(username: string): void {
    const timer = this.#pending.get(username);
    this.#clock.clearTimeout(timer);
    this.#pending.delete(username);
  }

  /** Stops every timer. */
  clear(): void {
    for (const id of this.#pending.values()) this.#clock.clearTimeout(id);
    this.#pending.clear();
  }
}
