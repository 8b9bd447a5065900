/** Test peers of a Room (lib/chat/room_test.ts, lib/chat/room_presence_test.ts): they record what the room hands them. */
import type { MessageEvent } from "../protocol/events.ts";
import { formatId } from "./ids.ts";
import type { FakeClock } from "../fake_clock.ts";
import type { Peer } from "./peer.ts";
import type { PresenceSnapshot } from "./presence_frames.ts";
import type { Room } from "./room.ts";
import { applyPresenceList, type MemberList } from "../client/member_list.ts";

/** Message `seq` of room `r`, by `a`. */
export function message(seq: number): MessageEvent {
  return {
    type: "message",
    id: formatId(seq),
    room: "r",
    username: "a",
    text: `m${seq}`,
    ts: seq,
  };
}

/** How a test names an event it got: its text, else its type. */
export function label(event: { text?: string; type: string }): string {
  return event.text ?? event.type;
}

/** A peer that takes events one by one, recording their labels. */
export function peer(canonical: string): Peer & { got: string[] } {
  const got: string[] = [];
  return {
    canonical,
    got,
    batch: false,
    coalescePresence: false,
    push: (frame) => got.push(label(JSON.parse(frame))),
    pushShared: () => false,
  };
}

/** A batching peer that records each frame it gets, shared or not. */
export function batchPeer(canonical: string, options: { accept: boolean }) {
  const frames: string[] = [];
  const got: string[] = [];
  const peer: Peer & { got: string[]; frames: string[] } = {
    canonical,
    got,
    frames,
    batch: true,
    coalescePresence: false,
    push(frame) {
      frames.push(frame);
      got.push(label(JSON.parse(frame)));
    },
    pushShared(frame) {
      if (!options.accept) return false;
      frames.push(frame);
      const parsed = JSON.parse(frame);
      for (const event of parsed.type === "batch" ? parsed.events : [parsed]) {
        got.push(label(event));
      }
      return true;
    },
  };
  return peer;
}

/** A peer that takes presence coalesced, recording each event with the monotonic time it came. */
export function coalescingPeer(
  canonical: string,
  options: { clock: FakeClock; batch?: boolean },
) {
  const got: { at: number; event: Record<string, unknown> }[] = [];
  const record = (frame: string) => {
    const parsed = JSON.parse(frame);
    for (const event of parsed.type === "batch" ? parsed.events : [parsed]) {
      got.push({ at: options.clock.monotonic(), event });
    }
  };
  const peer: Peer & { got: typeof got } = {
    canonical,
    got,
    batch: options.batch ?? false,
    coalescePresence: true,
    push: record,
    pushShared(frame) {
      record(frame);
      return true;
    },
  };
  return peer;
}

/** Message `seq` by `username`. */
export function said(seq: number, username: string): MessageEvent {
  return { ...message(seq), username };
}

/**
 * A coalescing peer that keeps its member list as the browser does: frames
 * that come before its welcome are held and applied after it, as the
 * session's writer holds them.
 */
export function listingPeer(canonical: string) {
  let held: string[] | undefined = [];
  const frames: Record<string, unknown>[] = [];
  const peer = {
    canonical,
    batch: false,
    coalescePresence: true,
    list: { members: [], people: [] } as MemberList,
    /** Every presence event it read, in order. */
    frames,
    push(frame: string) {
      if (held) held.push(frame);
      else peer.read(frame);
    },
    pushShared: () => false,
    read(frame: string) {
      const event = JSON.parse(frame);
      if (event.type !== "presence") return;
      frames.push(event);
      peer.list = applyPresenceList(peer.list, event);
    },
    /** Reads its welcome of `list`, tells the room, then what was held. */
    welcome(room: Room, list: PresenceSnapshot) {
      peer.list = {
        members: [...list.members],
        people: [...list.people ?? []],
      };
      room.welcomed(peer, list);
      const frames = held ?? [];
      held = undefined;
      for (const frame of frames) peer.read(frame);
    },
  };
  return peer;
}
