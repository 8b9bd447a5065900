/** The coalesced `presence` frames of one window (docs/protocol.md, "presence"). */
import type { PresenceEvent } from "../protocol/events.ts";

/** What a window of coalesced presence gathered: a `presence` frame's fields. */
export type PendingPresence = Omit<PresenceEvent, "type">;

/**
 * The `presence` frame of a window, and the same with another `joined` list
 * (a joiner is not listed in its own): the rest is serialised only once.
 */
export function presenceFrames(
  pending: PendingPresence,
): { frame: string; withJoined(joined: string[]): string } {
  const { joined, ...rest } = pending;
  const after = JSON.stringify(rest).slice(1);
  const withJoined = (names: string[]) =>
    `{"type":"presence","joined":${JSON.stringify(names)},${after}`;
  return { frame: withJoined(joined), withJoined };
}
