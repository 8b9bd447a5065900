import { canonicalName, compareCodePoints, sortKeyedNames } from "./names.ts";

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

/** One person online: the name, and the `clientId` key it was claimed with (its kind's prefix: `a:`, `t:`, `g:`, `c:`). */
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

/** Presence of this process only (memory store, single-process kv). */
export class LocalPresence implements Presence {
  #rooms = new Map<string, Map<string, Holder>>();
  #sorted = new Map<string, string[]>();

  claim(room: string, identity: Identity): Promise<ClaimOutcome> {
    let names = this.#rooms.get(room);
    if (!names) this.#rooms.set(room, names = new Map());
    const holder = names.get(identity.canonical);
    const outcome = decideClaim(holder, identity);
    if (outcome === "again") holder!.connections++;
    if (outcome === "first") {
      this.#sorted.delete(room);
      names.set(identity.canonical, {
        username: identity.username,
        clientId: identity.clientId,
        connections: 1,
      });
    }
    return Promise.resolve(outcome);
  }

  retained(): number {
    return this.#rooms.size + this.#sorted.size;
  }

  release(room: string, canonical: string): Promise<boolean> {
    const names = this.#rooms.get(room);
    const holder = names?.get(canonical);
    if (!names || !holder || --holder.connections > 0) {
      return Promise.resolve(false);
    }
    names.delete(canonical);
    this.#sorted.delete(room);
    if (names.size === 0) this.#rooms.delete(room);
    return Promise.resolve(true);
  }

  members(room: string): Promise<string[]> {
    let sorted = this.#sorted.get(room);
    if (!sorted) {
      const names = this.#rooms.get(room);
      if (!names) return Promise.resolve([]);
      sorted = sortKeyedNames(
        [...names.values()].map((h): [string, string] => [
          canonicalName(h.username),
          h.username,
        ]),
      );
      this.#sorted.set(room, sorted);
    }
    return Promise.resolve(sorted);
  }

  roster(room: string): Promise<RosterEntry[]> {
    const names = this.#rooms.get(room);
    return Promise.resolve(
      names
        ? sortRoster(
          [...names.values()].map((h) => ({
            username: h.username,
            key: h.clientId,
          })),
        )
        : [],
    );
  }

  rooms(): Promise<OnlineRoom[]> {
    return Promise.resolve(
      [...this.#rooms].map(([room, names]) => ({ room, online: names.size })),
    );
  }

  close(): Promise<void> {
    this.#rooms.clear();
    this.#sorted.clear();
    return Promise.resolve();
  }
}
