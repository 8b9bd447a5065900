/** How long a room gathers joins and leaves before it sends a coalesced `presence` event. */

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
