/** How long a room gathers joins and leaves before it sends a coalesced `presence` event. */
import type { Clock } from "../clock.ts";

/** How often, at most, a room sends coalesced `presence` events. */
export const PRESENCE_FLUSH_MS = 100;
/** Connections (or people) per step of the presence window: each 10 more add {@linkcode PRESENCE_FLUSH_MS}. */
export const PRESENCE_PEERS_PER_STEP = 10;
/** The longest presence window (rooms of 100 connections here or 100 people in all, or more). */
export const MAX_PRESENCE_FLUSH_MS = 1000;

/**
 * The presence window of a room with `peers` connections here, or people
 * over every server, whichever is more: fewer, bigger presence events as
 * the room grows, so a join storm costs each connection a few frames a
 * second however many join.
 */
export function presenceWindowMs(peers: number): number {
  return Math.min(
    MAX_PRESENCE_FLUSH_MS,
    PRESENCE_FLUSH_MS * Math.max(1, Math.ceil(peers / PRESENCE_PEERS_PER_STEP)),
  );
}

/** The longest presence window of a room whose joins and leaves keep coming (a join storm). */
export const MAX_STORM_PRESENCE_MS = 4000;

/**
 * The windows of one room. A window opens at the room's first join or leave
 * and lasts {@linkcode presenceWindowMs}; when the next change comes before
 * as long again has passed since the window closed, the room is in a storm
 * and each window lasts twice the one before, up to
 * {@linkcode MAX_STORM_PRESENCE_MS}. So a lone join shows as soon as ever,
 * while a storm costs each connection a frame every few seconds, not one per
 * window of the room's size, however long it lasts.
 */
export class PresencePacing {
  #clock: Clock;
  #length = 0;
  #closedAt = -Infinity;

  /** Pacing on `clock`'s monotonic time. */
  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /**
   * The length of the window opening now in a room of `peers` connections
   * here and `people` over every server: the more of the two, or a room
   * spread over N processes would get windows N times too short.
   */
  open(peers: number, people: number): number {
    const base = presenceWindowMs(Math.max(peers, people));
    const storm = this.#clock.monotonic() - this.#closedAt < this.#length;
    this.#length = storm
      ? Math.min(MAX_STORM_PRESENCE_MS, Math.max(base, this.#length * 2))
      : base;
    return this.#length;
  }

  /** The window under way has closed. */
  closed(): void {
    this.#closedAt = this.#clock.monotonic();
  }
}
