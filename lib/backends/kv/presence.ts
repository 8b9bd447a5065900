import { type Clock, repeat, systemClock } from "../../clock.ts";
import { commitOrBusy, retryPause } from "./busy.ts";
import {
  type ClaimOutcome,
  decideClaim,
  type Identity,
  type OnlineRoom,
  type Presence,
  type RosterEntry,
  sortRoster,
} from "../../chat/presence.ts";

/** Options of {@linkcode KvPresence}. */
export interface KvPresenceOptions {
  kv: Deno.Kv;
  /** A server silent for this long is gone, and so are its people (default 15 s). */
  ttlMs?: number;
  /** Told which names vanished with a dead isolate, so the room hears they left. */
  onExpired?(room: string, usernames: string[]): void;
  onError?(error: unknown): void;
  /** Heartbeats, their ages and the member cache; the real clock by default. */
  clock?: Clock;
}

interface Record {
  username: string;
  clientId?: string;
  /** Connections per server id. */
  holders: { [server: string]: number };
}

const MAX_ATTEMPTS = 32;

/** Names, and heartbeats, each heartbeat looks at for ones dead servers left. */
export const REAP_BATCH = 100;
/** A heartbeat silent for this many TTLs is deleted (its names are ignored after one). */
export const HEARTBEAT_KEPT_TTLS = 4;

/** Most claims written in one atomic commit (Deno KV allows 100 checks in one). */
export const CLAIM_BATCH = 50;

interface PendingClaim {
  room: string;
  identity: Identity;
  resolve(outcome: ClaimOutcome): void;
  reject(error: unknown): void;
}

/**
 * Up to {@linkcode REAP_BATCH} entries under `prefix` from `cursor`, and
 * where the next sweep starts (undefined: from the top again).
 */
async function sweepPage<T>(
  kv: Deno.Kv,
  options: { prefix: Deno.KvKey; cursor?: string },
): Promise<{ entries: Deno.KvEntry<T>[]; next?: string }> {
  const iter = kv.list<T>({ prefix: options.prefix }, {
    limit: REAP_BATCH,
    cursor: options.cursor,
  });
  const entries: Deno.KvEntry<T>[] = [];
  for await (const entry of iter) entries.push(entry);
  return {
    entries,
    next: entries.length < REAP_BATCH ? undefined : iter.cursor,
  };
}

/** How long a room's member list read from KV is reused, unless this server changed the room. */
export const MEMBERS_CACHE_MS = 250;

/**
 * Presence shared by every isolate on one Deno KV (Deno Deploy, or several
 * workers): one entry per name and room holding connection counts per
 * server, and one heartbeat entry per server. Names held only by servers
 * whose heartbeat is older than the TTL are ignored and reaped.
 */
export class KvPresence implements Presence {
  readonly server = crypto.randomUUID();
  #kv: Deno.Kv;
  #ttlMs: number;
  /** Connections this server holds per room: the rooms it reaps. */
  #rooms = new Map<string, number>();
  #members = new Map<
    string,
    { at: number; names: string[]; roster: RosterEntry[] }
  >();
  #changedAt = new Map<string, number>();
  #stopBeating: () => void;
  #clock: Clock;
  #beatMs: number;
  #options: KvPresenceOptions;
  #recordCursor?: string;
  #beatCursor?: string;
  #claims: PendingClaim[] = [];
  #claiming = false;
  /** Atomic commits made for claims (batches and single ones): what a join storm costs the database. */
  claimCommits = 0;

  /** Starts the heartbeat. */
  constructor(options: KvPresenceOptions) {
    this.#options = options;
    this.#kv = options.kv;
    this.#ttlMs = options.ttlMs ?? 15_000;
    this.#clock = options.clock ?? systemClock;
    this.#beatMs = Math.max(50, Math.floor(this.#ttlMs / 3));
    const beat = () => this.#beat().catch((error) => options.onError?.(error));
    this.#stopBeating = repeat(beat, {
      everyMs: this.#beatMs,
      clock: this.#clock,
    });
    beat();
  }

  /**
   * Renews this server's heartbeat (without `expireIn`: Deno KV's expiry
   * thread panics on a full disk), reaps the rooms it holds names in, and
   * sweeps a bounded part of what dead servers left anywhere.
   */
  async #beat(): Promise<void> {
    await this.#kv.set(["server", this.server], this.#clock.now());
    for (const room of this.#rooms.keys()) await this.#reap(room);
    await this.#sweepRecords();
    await this.#sweepHeartbeats();
  }

  /**
   * Deletes the records of up to {@linkcode REAP_BATCH} names, continuing
   * from the last sweep, whose holders are all dead (servers killed while
   * their people were online, in rooms no live server holds), and tells
   * their rooms.
   */
  async #sweepRecords(): Promise<void> {
    const { entries, next } = await sweepPage<Record>(this.#kv, {
      prefix: ["presence"],
      cursor: this.#recordCursor,
    });
    this.#recordCursor = next;
    const alive = await this.#alive([
      ...new Set(entries.flatMap((e) => Object.keys(e.value.holders))),
    ]);
    const gone = new Map<string, string[]>();
    for (const entry of entries) {
      const record = { ...entry.value, holders: { ...entry.value.holders } };
      if (this.#prune(record, alive)) continue;
      const result = await commitOrBusy(
        this.#kv.atomic().check(entry).delete(entry.key),
      );
      if (!result?.ok) continue;
      const room = entry.key[1] as string;
      gone.set(room, [...gone.get(room) ?? [], record.username]);
    }
    for (const [room, names] of gone) this.#options.onExpired?.(room, names);
  }

  /** Deletes up to {@linkcode REAP_BATCH} heartbeats silent for {@linkcode HEARTBEAT_KEPT_TTLS} TTLs. */
  async #sweepHeartbeats(): Promise<void> {
    const { entries, next } = await sweepPage<number>(this.#kv, {
      prefix: ["server"],
      cursor: this.#beatCursor,
    });
    this.#beatCursor = next;
    const oldest = this.#clock.now() - HEARTBEAT_KEPT_TTLS * this.#ttlMs;
    const stale = entries.filter((entry) =>
      entry.key[1] !== this.server && entry.value < oldest
    );
    for (const entry of stale) {
      await commitOrBusy(this.#kv.atomic().check(entry).delete(entry.key));
    }
  }

  /** Server ids (of those asked) whose heartbeat is fresh. */
  async #alive(servers: string[]): Promise<Set<string>> {
    const alive = new Set<string>([this.server]);
    const others = servers.filter((s) => s !== this.server);
    const now = this.#clock.now();
    for (let i = 0; i < others.length; i += 10) {
      const batch = others.slice(i, i + 10);
      const beats = await this.#kv.getMany<number[]>(
        batch.map((s) => ["server", s]),
      );
      beats.forEach((beat, j) => {
        if (beat.value !== null && now - beat.value < this.#ttlMs) {
          alive.add(batch[j]);
        }
      });
    }
    return alive;
  }

  #prune(record: Record, alive: Set<string>): boolean {
    for (const server of Object.keys(record.holders)) {
      if (!alive.has(server)) delete record.holders[server];
    }
    return Object.keys(record.holders).length > 0;
  }

  /** Reads, changes and writes one name's record atomically, retrying on conflict. */
  async #update<T>(
    key: Deno.KvKey,
    change: (record: Record | null) => { next: Record | null; result: T },
  ): Promise<T> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const entry = await this.#kv.get<Record>(key);
      let record = entry.value;
      if (record) {
        const alive = await this.#alive(Object.keys(record.holders));
        if (!this.#prune(record, alive)) record = null;
      }
      const { next, result } = change(record);
      const op = this.#kv.atomic().check(entry);
      if (next) op.set(key, next);
      else op.delete(key);
      if ((await commitOrBusy(op))?.ok) return result;
      await retryPause(attempt + 1, 5);
    }
    throw new Error("presence update kept conflicting");
  }

  /**
   * Claims arriving together (a join storm) are read with `getMany` and
   * written in one atomic commit of up to {@linkcode CLAIM_BATCH}; a batch
   * that conflicts is retried claim by claim.
   */
  async claim(room: string, identity: Identity): Promise<ClaimOutcome> {
    this.#changed(room);
    const outcome = await new Promise<ClaimOutcome>((resolve, reject) => {
      this.#claims.push({ room, identity, resolve, reject });
      if (!this.#claiming) this.#drainClaims();
    });
    this.#changed(room);
    if (outcome !== "taken") {
      this.#rooms.set(room, (this.#rooms.get(room) ?? 0) + 1);
    } else if (!this.#rooms.has(room)) {
      this.#changedAt.delete(room);
    }
    return outcome;
  }

  async #drainClaims(): Promise<void> {
    this.#claiming = true;
    await Promise.resolve();
    while (this.#claims.length > 0) {
      const batch: PendingClaim[] = [];
      const keys = new Set<string>();
      const rest: PendingClaim[] = [];
      for (const claim of this.#claims) {
        const key = JSON.stringify([claim.room, claim.identity.canonical]);
        if (batch.length < CLAIM_BATCH && !keys.has(key)) {
          keys.add(key);
          batch.push(claim);
        } else rest.push(claim);
      }
      this.#claims = rest;
      if (batch.length === 1 || !await this.#claimBatch(batch)) {
        await Promise.all(
          batch.map((claim) =>
            this.#claimOne(claim.room, claim.identity).then(
              claim.resolve,
              claim.reject,
            )
          ),
        );
      }
    }
    this.#claiming = false;
  }

  /** Claims every name of `batch` in one commit; false (nothing written, nothing answered) when that commit did not go through. */
  async #claimBatch(batch: PendingClaim[]): Promise<boolean> {
    let entries: Deno.KvEntryMaybe<Record>[];
    let alive: Set<string>;
    try {
      const keys = batch.map((c) => ["presence", c.room, c.identity.canonical]);
      const reads: Promise<Deno.KvEntryMaybe<Record>[]>[] = [];
      for (let i = 0; i < keys.length; i += 10) {
        reads.push(this.#kv.getMany<Record[]>(keys.slice(i, i + 10)));
      }
      entries = (await Promise.all(reads)).flat();
      alive = await this.#alive([
        ...new Set(entries.flatMap((e) => Object.keys(e.value?.holders ?? {}))),
      ]);
    } catch {
      return false;
    }
    const op = this.#kv.atomic();
    const outcomes = batch.map(({ identity }, i) => {
      const entry = entries[i];
      let record = entry.value;
      if (record && !this.#prune(record, alive)) record = null;
      op.check(entry);
      const result = decideClaim(record ?? undefined, identity);
      if (result === "taken") return result;
      const next: Record = record ?? {
        username: identity.username,
        clientId: identity.clientId,
        holders: {},
      };
      next.holders[this.server] = (next.holders[this.server] ?? 0) + 1;
      op.set(entry.key, next);
      return result;
    });
    this.claimCommits++;
    const committed = await commitOrBusy(op).catch(() => undefined);
    if (!committed?.ok) return false;
    batch.forEach((claim, i) => claim.resolve(outcomes[i]));
    return true;
  }

  #claimOne(room: string, identity: Identity): Promise<ClaimOutcome> {
    this.claimCommits++;
    return this.#update<ClaimOutcome>(
      ["presence", room, identity.canonical],
      (record) => {
        const result = decideClaim(record ?? undefined, identity);
        if (result === "taken") return { next: record, result };
        const next: Record = record ?? {
          username: identity.username,
          clientId: identity.clientId,
          holders: {},
        };
        next.holders[this.server] = (next.holders[this.server] ?? 0) + 1;
        return { next, result };
      },
    );
  }

  /** Per-room entries this server keeps (0 once it holds no name anywhere). */
  retained(): number {
    return this.#rooms.size + this.#members.size + this.#changedAt.size;
  }

  async release(room: string, canonical: string): Promise<boolean> {
    this.#changed(room);
    const last = await this.#update<boolean>(
      ["presence", room, canonical],
      (record) => {
        const mine = record?.holders[this.server];
        if (!record || !mine) return { next: record, result: false };
        if (mine > 1) record.holders[this.server] = mine - 1;
        else delete record.holders[this.server];
        const empty = Object.keys(record.holders).length === 0;
        return { next: empty ? null : record, result: empty };
      },
    );
    this.#changed(room);
    const held = (this.#rooms.get(room) ?? 1) - 1;
    if (held > 0) {
      this.#rooms.set(room, held);
    } else {
      this.#rooms.delete(room);
      this.#members.delete(room);
      this.#changedAt.delete(room);
    }
    return last;
  }

  async #records(room?: string): Promise<[string, Record][]> {
    const entries: [string, Record][] = [];
    const prefix = room === undefined ? ["presence"] : ["presence", room];
    for await (const entry of this.#kv.list<Record>({ prefix })) {
      entries.push([entry.key[1] as string, entry.value]);
    }
    const alive = await this.#alive([
      ...new Set(entries.flatMap(([, r]) => Object.keys(r.holders))),
    ]);
    return entries.filter(([, record]) => this.#prune(record, alive));
  }

  /**
   * Read from KV at most every {@linkcode MEMBERS_CACHE_MS} per room, and at
   * once after this server changed the room: a join storm would otherwise
   * list the whole room once per join.
   */
  async members(room: string): Promise<string[]> {
    return (await this.#read(room)).names;
  }

  async roster(room: string): Promise<RosterEntry[]> {
    return (await this.#read(room)).roster;
  }

  async #read(
    room: string,
  ): Promise<{ names: string[]; roster: RosterEntry[] }> {
    const cached = this.#members.get(room);
    if (cached && this.#clock.now() - cached.at < MEMBERS_CACHE_MS) {
      return cached;
    }
    const at = this.#clock.now();
    const roster = sortRoster(
      (await this.#records(room)).map(([, r]) => ({
        username: r.username,
        key: r.clientId,
      })),
    );
    const names = roster.map((entry) => entry.username);
    // Cached only while this server holds a name there: a `left` built
    // after the last release would otherwise keep the room for good.
    if (this.#rooms.has(room) && (this.#changedAt.get(room) ?? 0) <= at) {
      this.#members.set(room, { at, names, roster });
    }
    return { names, roster };
  }

  #changed(room: string): void {
    this.#members.delete(room);
    this.#changedAt.set(room, this.#clock.now());
  }

  async rooms(): Promise<OnlineRoom[]> {
    const counts = new Map<string, number>();
    for (const [room] of await this.#records()) {
      counts.set(room, (counts.get(room) ?? 0) + 1);
    }
    return [...counts].map(([room, online]) => ({ room, online }));
  }

  async #reap(room: string): Promise<void> {
    const gone: string[] = [];
    for await (
      const entry of this.#kv.list<Record>({ prefix: ["presence", room] })
    ) {
      const record = entry.value;
      const alive = await this.#alive(Object.keys(record.holders));
      if (this.#prune({ ...record, holders: { ...record.holders } }, alive)) {
        continue;
      }
      const result = await commitOrBusy(
        this.#kv.atomic().check(entry).delete(entry.key),
      );
      if (result?.ok) gone.push(record.username);
    }
    if (gone.length > 0) this.#options.onExpired?.(room, gone);
  }

  async close(): Promise<void> {
    this.#stopBeating();
    try {
      await this.#kv.delete(["server", this.server]);
    } catch {
      // the database is already closed
    }
  }
}
