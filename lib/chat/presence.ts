import { canonicalName, compareCodePoints } from "../protocol/names.ts";

/** Who a connection claims to be when it joins. */
export interface Identity {
  username: string;
  canonical: string;
  clientId?: string;
}

/** Outcome of a claim: the name's first connection, another one of the same client, or refused. */
export type ClaimOutcome = "first" | "again" | "taken";

/** A room with people online, by any server. */
export interface OnlineRoom {
  room: string;
  online: number;
}

/**
 * One person online: the name, and the `clientId` key it was claimed with
 * (its kind's prefix: `a:`, `t:`, `g:`, `c:`). A presence that keeps one
 * entry for the person's whole stay freezes it, so views of it may be kept.
 */
export interface RosterEntry {
  username: string;
  key?: string;
}

/** Sorts a roster as `members` is sorted: by canonical form, then code point. */
export function sortRoster(entries: RosterEntry[]): RosterEntry[] {
  return entries
    .map((entry): [string, RosterEntry] => [
      canonicalName(entry.username),
      entry,
    ])
    .sort(([a, x], [b, y]) =>
      a !== b
        ? compareCodePoints(a, b)
        : compareCodePoints(x.username, y.username)
    )
    .map(([, entry]) => entry);
}

/** Who is online in each room; backends differ in how many servers share it. */
export interface Presence {
  /** Claims `identity.canonical` in `room` for one more connection. */
  claim(room: string, identity: Identity): Promise<ClaimOutcome>;
  /** Gives back one connection's claim; true when it was the name's last one anywhere. */
  release(room: string, canonical: string): Promise<boolean>;
  /** Usernames online in `room`, sorted by canonical form, then code point. */
  members(room: string): Promise<string[]>;
  /** The same people as {@linkcode members}, same order, each with its claim's key. */
  roster(room: string): Promise<RosterEntry[]>;
  /** Rooms with at least one person online. */
  rooms(): Promise<OnlineRoom[]>;
  /** Stops heartbeats and lets go of this server's claims. */
  close(): Promise<void>;
  /** Per-room entries this process keeps (0 once every room here is empty). */
  retained?(): number;
}

interface Holder {
  username: string;
  clientId?: string;
  connections: number;
}

/** The decision every backend makes for a claim, given the current holder of the name. */
export function decideClaim(
  holder: { clientId?: string } | undefined,
  identity: Identity,
): ClaimOutcome {
  if (!holder) return "first";
  return identity.clientId && holder.clientId === identity.clientId
    ? "again"
    : "taken";
}

interface Listed {
  /** `canonicalName(username)`: the sort key. */
  sortKey: string;
  /** The key the name was claimed under. */
  claim: string;
  entry: RosterEntry;
}

function listedBefore(a: Listed, b: Listed): boolean {
  if (a.sortKey !== b.sortKey) {
    return compareCodePoints(a.sortKey, b.sortKey) < 0;
  }
  return compareCodePoints(a.entry.username, b.entry.username) < 0;
}

/**
 * Presence of this process only (memory store, single-process kv). Each
 * room's roster is kept sorted as names come and go (a binary search per
 * join), so a join storm does not sort the room once per join.
 */
export class LocalPresence implements Presence {
  #rooms = new Map<string, Map<string, Holder>>();
  #listed = new Map<string, Listed[]>();
  #rosters = new Map<string, RosterEntry[]>();
  #members = new Map<string, string[]>();

  claim(room: string, identity: Identity): Promise<ClaimOutcome> {
    let names = this.#rooms.get(room);
    if (!names) this.#rooms.set(room, names = new Map());
    const holder = names.get(identity.canonical);
    const outcome = decideClaim(holder, identity);
    if (outcome === "again") holder!.connections++;
    if (outcome === "first") {
      names.set(identity.canonical, {
        username: identity.username,
        clientId: identity.clientId,
        connections: 1,
      });
      this.#list(room, {
        sortKey: canonicalName(identity.username),
        claim: identity.canonical,
        entry: Object.freeze({
          username: identity.username,
          key: identity.clientId,
        }),
      });
    }
    return Promise.resolve(outcome);
  }

  /** Entries held in memory (zero once every room is empty). */
  retained(): number {
    return this.#rooms.size + this.#listed.size + this.#rosters.size +
      this.#members.size;
  }

  #list(room: string, listed: Listed): void {
    let list = this.#listed.get(room);
    if (!list) this.#listed.set(room, list = []);
    let low = 0;
    let high = list.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (listedBefore(list[mid], listed)) low = mid + 1;
      else high = mid;
    }
    list.splice(low, 0, listed);
    this.#rosters.delete(room);
    this.#members.delete(room);
  }

  release(room: string, canonical: string): Promise<boolean> {
    const names = this.#rooms.get(room);
    const holder = names?.get(canonical);
    if (!names || !holder || --holder.connections > 0) {
      return Promise.resolve(false);
    }
    names.delete(canonical);
    const list = this.#listed.get(room) ?? [];
    const index = list.findIndex((listed) => listed.claim === canonical);
    if (index >= 0) list.splice(index, 1);
    this.#rosters.delete(room);
    this.#members.delete(room);
    if (names.size === 0) {
      this.#rooms.delete(room);
      this.#listed.delete(room);
    }
    return Promise.resolve(true);
  }

  members(room: string): Promise<string[]> {
    let members = this.#members.get(room);
    if (!members) {
      members = (this.#listed.get(room) ?? []).map((l) => l.entry.username);
      if (this.#listed.has(room)) this.#members.set(room, members);
    }
    return Promise.resolve(members);
  }

  roster(room: string): Promise<RosterEntry[]> {
    let roster = this.#rosters.get(room);
    if (!roster) {
      roster = (this.#listed.get(room) ?? []).map((l) => l.entry);
      if (this.#listed.has(room)) this.#rosters.set(room, roster);
    }
    return Promise.resolve(roster);
  }

  rooms(): Promise<OnlineRoom[]> {
    return Promise.resolve(
      [...this.#rooms].map(([room, names]) => ({ room, online: names.size })),
    );
  }

  close(): Promise<void> {
    this.#rooms.clear();
    this.#listed.clear();
    this.#rosters.clear();
    this.#members.clear();
    return Promise.resolve();
  }
}
