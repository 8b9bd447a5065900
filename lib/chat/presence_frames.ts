/**
 * The coalesced `presence` frames of one window (docs/protocol.md,
 * "presence"): what changed between the member list a connection holds and
 * the room's, or the whole list where the held one is not known.
 */
import type { PersonView, PresenceEvent } from "../protocol/events.ts";
import { canonicalName } from "../protocol/names.ts";

/** A member list as a `welcome`, `joined` or `left` event carries it. */
export interface PresenceSnapshot {
  readonly members: readonly string[];
  /** The same people, same order, with kind and role (when the event had them). */
  readonly people?: readonly PersonView[];
}

/** The changes that take a list to another: names added and removed, entries new or changed. */
export interface PresenceChange {
  joined: string[];
  left: string[];
  /** Absent when the list it leads to has no `people`. */
  people?: PersonView[];
}

/** The changes that take a client holding `before` to `after`. */
export function presenceChange(
  before: PresenceSnapshot,
  after: PresenceSnapshot,
): PresenceChange {
  return changesTo(after)(before);
}

/**
 * The changes to `after` from any list a client may hold: `after` is
 * indexed once, then each list costs a lookup per name (a window's frames
 * for its newcomers, each from its own welcome's list).
 */
export function changesTo(
  after: PresenceSnapshot,
): (before: PresenceSnapshot) => PresenceChange {
  const { members, people } = after;
  const index = new Map<string, number>();
  for (let i = 0; i < members.length; i++) index.set(members[i], i);
  // Per list asked about: 2·n where a name is kept as it was, 2·n + 1 where its entry changed.
  const marks = new Uint32Array(members.length);
  let n = 0;
  return (before) => {
    if (before.members === members && before.people === people) {
      return { joined: [], left: [], people: people && [] };
    }
    n++;
    const left: string[] = [];
    const entries = before.people?.length === before.members.length
      ? before.people
      : undefined;
    for (let i = 0; i < before.members.length; i++) {
      const at = index.get(before.members[i]);
      if (at === undefined) {
        left.push(before.members[i]);
        continue;
      }
      const old = entries?.[i];
      const now = people?.[at];
      const same = old !== undefined &&
        (!now || (old.kind === now.kind && old.role === now.role));
      marks[at] = same ? 2 * n : 2 * n + 1;
    }
    const joined: string[] = [];
    const changed: PersonView[] = [];
    for (let at = 0; at < members.length; at++) {
      const mark = marks[at];
      if (mark === 2 * n) continue;
      if (mark !== 2 * n + 1) joined.push(members[at]);
      if (people?.[at]) changed.push(people[at]);
    }
    return people ? { joined, left, people: changed } : { joined, left };
  };
}

/** True when `change` changes nothing. */
export function unchanged(change: PresenceChange): boolean {
  return change.joined.length === 0 && change.left.length === 0 &&
    (change.people?.length ?? 0) === 0;
}

/** One window's frame for many connections, serialised once. */
export interface PresenceFrames {
  /**
   * The frame for the connection of `canonical`: its own name is not in
   * `joined` (it still gets its own entry in `people`); undefined when
   * nothing is left for it.
   */
  forPeer(canonical: string): string | undefined;
}

/**
 * The `presence` frame of `event`, serialised when first asked for; a
 * variant with another `joined` list is built only for a connection named
 * in it, re-serialising that list alone. `canonical` gives a name's
 * canonical form (a cache of the room's; {@linkcode canonicalName} by
 * default).
 */
export function presenceFrames(
  event: Omit<PresenceEvent, "type">,
  canonical: (name: string) => string = canonicalName,
): PresenceFrames {
  const { joined, ...rest } = event;
  let after: string | undefined;
  const withJoined = (names: readonly string[]) =>
    `{"type":"presence","joined":${JSON.stringify(names)},${after ??= JSON
      .stringify(rest).slice(1)}`;
  const forms = joined.map(canonical);
  const joiners = new Set(forms);
  const rests = event.left.length > 0 || (event.people?.length ?? 0) > 0 ||
    event.members !== undefined;
  let frame: string | undefined;
  return {
    forPeer(name) {
      if (!joiners.has(name)) {
        if (joined.length === 0 && !rests) return undefined;
        return frame ??= withJoined(joined);
      }
      const others = joined.filter((_, i) => forms[i] !== name);
      return others.length === 0 && !rests ? undefined : withJoined(others);
    },
  };
}
