/** One connection as its room sees it, and the `batch` frame both pack events into. */

/** One connection of the room, as the room sees it. */
export interface Peer {
  /** Canonical form of the peer's username. */
  readonly canonical: string;
  /** Takes one serialised event; `id` is set for messages, which arrive in id order. */
  push(frame: string, id?: string): void;
  /** True when the peer takes events packed into `batch` frames. */
  readonly batch: boolean;
  /** True when the peer takes joins and leaves as coalesced `presence` events. */
  readonly coalescePresence: boolean;
  /**
   * Takes a frame shared by the room's batching peers, holding messages
   * `first` to `last`; false when it cannot (still joining, or it already
   * has some of them), and the events then come one by one through `push`.
   */
  pushShared(frame: string, ids: { first?: string; last?: string }): boolean;
}

/** One serialised event as it is; several as one `batch` frame. */
export function batchFrame(frames: readonly string[]): string {
  return frames.length === 1
    ? frames[0]
    : `{"type":"batch","events":[${frames.join(",")}]}`;
}
