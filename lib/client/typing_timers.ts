/** How long others show as typing: one timer per person, renewed by each `typing` event. */
import type { Timers } from "./reconnect.ts";

/** How long "bob is typing…" stays without another typing event. */
export const TYPING_TTL_MS = 3000;

/** The typing timers of one client. */
export class TypingTimers {
  #timers: Timers;
  #onExpire: (username: string) => void;
  #pending = new Map<string, unknown>();

  /** Timers on `timers`; `onExpire` is told when someone stops showing as typing. */
  constructor(timers: Timers, onExpire: (username: string) => void) {
    this.#timers = timers;
    this.#onExpire = onExpire;
  }

  /** (Re)starts `username`'s timer. */
  start(username: string): void {
    this.stop(username);
    this.#pending.set(
      username,
      this.#timers.set(() => {
        this.#pending.delete(username);
        this.#onExpire(username);
      }, TYPING_TTL_MS),
    );
  }

  /** Stops `username`'s timer (a message or a leave ended the typing). */
  stop(username: string): void {
    const timer = this.#pending.get(username);
    if (timer !== undefined) this.#timers.clear(timer);
    this.#pending.delete(username);
  }

  /** Stops every timer. */
  clear(): void {
    for (const id of this.#pending.values()) this.#timers.clear(id);
    this.#pending.clear();
  }
}
