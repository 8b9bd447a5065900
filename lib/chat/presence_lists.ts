/**
 * The member list each connection of a room that coalesces presence holds,
 * as far as the room knows it, and the `presence` frames of a window that
 * bring every one of them to the room's list.
 */
import { canonicalName } from "../protocol/names.ts";
import type { Peer } from "./peer.ts";
import {
  changesTo,
  type PresenceFrames,
  presenceFrames,
  type PresenceSnapshot,
  unchanged,
} from "./presence_frames.ts";

/** One window's end: the room's list after it, its time, and how a frame reaches a peer. */
export interface PresenceWindow {
  list: PresenceSnapshot;
  ts: number;
  push(peer: Peer, frame: string): void;
}

/**
 * Every coalescing peer is either settled, holding the list of the last
 * window sent (so one frame of changes serves them all), or fresh: joined
 * since, holding nothing known yet (its welcome is being read) or its
 * welcome's list. A fresh peer's next frame carries the whole list, or the
 * changes from its welcome's list; after it, the peer is settled.
 */
export class PresenceLists {
  /** The list every settled peer holds. */
  #sent: PresenceSnapshot = { members: [] };
  #fresh = new Map<Peer, PresenceSnapshot | undefined>();
  /** Canonical forms of the names of the last window's list. */
  #canonical = new Map<string, string>();

  /** A peer whose welcome is not sent yet. */
  add(peer: Peer): void {
    this.#fresh.set(peer, undefined);
  }

  /** The list `peer`'s welcome carried (nothing when a whole list already went to it, read after the welcome). */
  welcomed(peer: Peer, list: PresenceSnapshot): void {
    if (this.#fresh.has(peer)) this.#fresh.set(peer, list);
  }

  /** Forgets a peer that left the room. */
  remove(peer: Peer): void {
    this.#fresh.delete(peer);
  }

  /** Sends the window's frames to the coalescing ones of `peers`; true when anyone got one. */
  send(peers: Iterable<Peer>, window: PresenceWindow): boolean {
    const { list, ts } = window;
    const count = list.members.length;
    const changesFrom = changesTo(list);
    const change = changesFrom(this.#sent);
    this.#sent = list;
    const canonical = this.#canonicalOf(list);
    const settled = presenceFrames({ ...change, count, ts }, canonical);
    let whole: PresenceFrames | undefined;
    let sent = false;
    for (const peer of peers) {
      if (!peer.coalescePresence) continue;
      let frames = settled;
      if (this.#fresh.has(peer)) {
        const welcome = this.#fresh.get(peer);
        this.#fresh.delete(peer);
        if (welcome === undefined) {
          whole ??= presenceFrames({
            joined: change.joined,
            left: change.left,
            members: [...list.members],
            people: list.people && [...list.people],
            count,
            ts,
          }, canonical);
          frames = whole;
        } else {
          const own = changesFrom(welcome);
          if (unchanged(own)) continue;
          frames = presenceFrames({ ...own, count, ts }, canonical);
        }
      }
      const frame = frames.forPeer(peer.canonical);
      if (frame === undefined) continue;
      window.push(peer, frame);
      sent = true;
    }
    return sent;
  }

  /** Canonical forms, each name normalised once while it stays in the room. */
  #canonicalOf(list: PresenceSnapshot): (name: string) => string {
    const known = this.#canonical;
    const kept = new Map<string, string>();
    for (const name of list.members) {
      kept.set(name, known.get(name) ?? canonicalName(name));
    }
    this.#canonical = kept;
    return (name) => kept.get(name) ?? canonicalName(name);
  }
}
