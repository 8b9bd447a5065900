import type {
  ChangeEvent,
  LogEvent,
  MessageEvent,
} from "../../protocol/events.ts";
import { formatId, parseId, seqNotAfter } from "../../chat/ids.ts";
import {
  type AfterOptions,
  type AppendInput,
  type AppendResult,
  attachReplies,
  type BeforeOptions,
  type ChangeInput,
  type ChangeResult,
  type HistoryPage,
  type MessageStore,
  pageOf,
  type RetentionOptions,
  RoomLimitError,
  type StoredMessage,
} from "../../store/store.ts";
import { isBusy, retryPause } from "./busy.ts";
import {
  collapseTwins,
  fail,
  type Pending,
  planRuns,
  seqKey,
  settle,
  writeRun,
} from "./group_commit.ts";
import { openKvFile } from "./open_file.ts";
import { commitChange, type KvRecord, toWire } from "./changes.ts";
import { KvSweeper } from "./expiry.ts";
import { isStorageFailure, WriteHealth } from "./health.ts";
import {
  countRooms,
  readRoomCount,
  type RoomCountChange,
} from "./room_count.ts";

/** Options of {@linkcode KvStore.open}. */
export interface KvStoreOptions extends RetentionOptions {
  /** File of the database; the platform's default (Deno Deploy's managed KV) when absent. */
  path?: string;
  /** Messages older than this many milliseconds expire (never by default). */
  messageTtlMs?: number;
  /** Told when deleting expired keys fails (a full disk); retried later. */
  onError?(error: unknown): void;
}

const MAX_ATTEMPTS = 64;
/** Keys per `getMany`, Deno KV's limit. */
const READ_BATCH = 10;
/** Rooms whose counter is remembered between commits. */
const MAX_CACHED_ROOMS = 10_000;

/** A room's counter as of its last read or commit. */
interface Counter {
  seq: number;
  versionstamp: string | null;
}

/**
 * Deno KV: one counter and one entry per message under the room. Appends are
 * group-committed: the first one commits at once, and those arriving while a
 * commit is in flight go together in the next, split only where Deno KV's
 * limits on one atomic operation require. Each commit checks the counters of
 * its rooms against the versionstamps of this handle's last commit, so ids
 * follow the counter in every isolate and process; after a failed check the
 * counters are read again and the commit retried.
 */
export class KvStore implements MessageStore {
  #kv: Deno.Kv;
  #maxMessages: number;
  #messageTtlMs?: number;
  #counters = new Map<string, Counter>();
  #maxRooms?: number;
  #queue: Pending[] = [];
  #draining?: Promise<void>;
  #closed = false;
  #sweeper: KvSweeper;
  #health: WriteHealth;

  /** Wraps an open database. */
  constructor(kv: Deno.Kv, options: KvStoreOptions = {}) {
    this.#kv = kv;
    this.#maxMessages = options.maxMessagesPerRoom ?? 10_000;
    this.#maxRooms = options.maxRooms;
    this.#messageTtlMs = options.messageTtlMs;
    this.#health = new WriteHealth(kv, {
      file: options.path && options.path !== ":memory:"
        ? options.path
        : undefined,
    });
    this.#sweeper = new KvSweeper(kv, {
      onError: (error) => {
        this.#health.failed(error);
        options.onError?.(error);
      },
    });
  }

  /**
   * Opens the database at `options.path` (creating its folder when missing)
   * and, for a file, proves it can be written (`openKvFile`), so that a full
   * disk or a read-only folder fails here rather than at the first message.
   */
  static async open(options: KvStoreOptions = {}): Promise<KvStore> {
    const kv = await openKvFile(options.path);
    const store = new KvStore(kv, options);
    store.#sweeper.start();
    return store;
  }

  /** Key of the room's sequence counter, which moves with every message. */
  static seqKey(room: string): Deno.KvKey {
    return seqKey(room);
  }

  /** The database underneath, for fan-out that watches it. */
  get kv(): Deno.Kv {
    return this.#kv;
  }

  append(room: string, input: AppendInput): Promise<AppendResult> {
    if (this.#closed) return Promise.reject(new Error("the store is closed"));
    const { promise, resolve, reject } = Promise.withResolvers<AppendResult>();
    this.#queue.push({
      room,
      input,
      nonceKey: input.nonce === undefined
        ? undefined
        : ["nonce", room, input.dedupeKey ?? "", input.nonce],
      twins: [],
      resolve,
      reject,
    });
    this.#draining ??= Promise.resolve().then(() => this.#drain());
    this.#sweeper.start();
    return promise;
  }

  async #drain(): Promise<void> {
    try {
      while (this.#queue.length > 0) {
        const group = collapseTwins(this.#queue);
        this.#queue = [];
        try {
          await this.#loadCounters(group, { fresh: false }).catch(() => {});
          for (
            const run of planRuns(group, {
              seqOf: (room) => this.#counters.get(room)?.seq,
              maxMessages: this.#maxMessages,
              expires: this.#messageTtlMs !== undefined,
            })
          ) await this.#commit(run);
        } catch (error) {
          fail(group, error);
        }
      }
    } finally {
      this.#draining = undefined;
    }
  }

  /** Reads the counters of rooms not remembered (of every room, when `fresh`). */
  async #loadCounters(
    appends: Pending[],
    options: { fresh: boolean },
  ): Promise<void> {
    const rooms = [...new Set(appends.map((a) => a.room))].filter((room) =>
      options.fresh || !this.#counters.has(room)
    );
    const reads = [];
    for (let i = 0; i < rooms.length; i += READ_BATCH) {
      const batch = rooms.slice(i, i + READ_BATCH);
      reads.push(
        this.#kv.getMany<bigint[]>(batch.map(KvStore.seqKey)).then(
          (entries) =>
            entries.forEach((entry, j) =>
              this.#remember(batch[j], {
                seq: Number(entry.value ?? 0n),
                versionstamp: entry.versionstamp,
              })
            ),
        ),
      );
    }
    await Promise.all(reads);
  }

  #remember(room: string, counter: Counter): void {
    this.#counters.delete(room);
    this.#counters.set(room, counter);
    if (this.#counters.size > MAX_CACHED_ROOMS) {
      this.#counters.delete(this.#counters.keys().next().value!);
    }
  }

  /**
   * Answers the appends whose nonce is already stored with the message it
   * names, and returns the others. Read after the rooms' counters, whose
   * check in the commit then also vouches for the nonces: every append sets
   * its room's counter and its nonce in the same commit.
   */
  async #settleDuplicates(appends: Pending[]): Promise<Pending[]> {
    const withNonce = appends.filter((a) => a.nonceKey);
    const found = new Map<Pending, string>();
    const reads = [];
    for (let i = 0; i < withNonce.length; i += READ_BATCH) {
      const batch = withNonce.slice(i, i + READ_BATCH);
      reads.push(
        this.#kv.getMany<string[]>(batch.map((a) => a.nonceKey!)).then(
          (entries) =>
            entries.forEach((entry, j) => {
              if (entry.value !== null) found.set(batch[j], entry.value);
            }),
        ),
      );
    }
    await Promise.all(reads);
    if (found.size === 0) return appends;
    const settled = new Set<Pending>();
    await Promise.all(
      [...found].map(async ([append, id]) => {
        const original = await this.#kv.get<KvRecord>([
          "msg",
          append.room,
          id,
        ]);
        if (!original.value) return;
        settle(append, { message: toWire(original.value), duplicate: true });
        settled.add(append);
      }),
    );
    return appends.filter((a) => !settled.has(a));
  }

  /**
   * Commits a run of appends in one atomic operation, retrying after failed
   * checks; splits it in halves when Deno KV refuses it, so that an append
   * it cannot hold fails alone.
   */
  async #commit(appends: Pending[]): Promise<void> {
    let pending = appends;
    let conflicted = false;
    try {
      for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        if (attempt > 0) await retryPause(attempt);
        await this.#loadCounters(pending, { fresh: conflicted });
        pending = await this.#settleDuplicates(pending);
        const admission = await this.#admitRooms(pending);
        pending = admission.admitted;
        if (pending.length === 0) return;
        const op = this.#kv.atomic();
        const { written, counters } = writeRun(op, {
          appends: pending,
          counterOf: (room) => this.#counters.get(room)!,
          maxMessages: this.#maxMessages,
          messageTtlMs: this.#messageTtlMs,
        });
        if (admission.rooms) countRooms(op, admission.rooms);
        let result;
        try {
          result = await op.commit();
        } catch (error) {
          if (!isBusy(error)) {
            if (isStorageFailure(error)) this.#health.failed(error);
            throw error;
          }
          conflicted = false;
          continue;
        }
        if (result.ok) {
          for (const [room, seq] of counters) {
            this.#remember(room, { seq, versionstamp: result.versionstamp });
          }
          for (const [append, message] of written) {
            settle(append, { message, duplicate: false });
          }
          return;
        }
        conflicted = true;
      }
      fail(pending, new Error("append kept conflicting"));
    } catch (error) {
      if (pending.length < 2) return fail(pending, error);
      const half = Math.ceil(pending.length / 2);
      await this.#commit(pending.slice(0, half));
      await this.#commit(pending.slice(half));
    }
  }

  /**
   * Refuses the appends that would make rooms beyond the cap, and says what
   * the room count becomes with the others.
   */
  async #admitRooms(
    appends: Pending[],
  ): Promise<{ admitted: Pending[]; rooms?: RoomCountChange }> {
    const fresh = [
      ...new Set(
        appends.filter((a) => this.#counters.get(a.room)?.versionstamp === null)
          .map((a) => a.room),
      ),
    ];
    if (fresh.length === 0) return { admitted: appends };
    const rooms = await readRoomCount(this.#kv);
    const room = this.#maxRooms === undefined
      ? fresh.length
      : Math.max(0, Math.min(fresh.length, this.#maxRooms - rooms.count));
    const refused = new Set(fresh.slice(room));
    if (refused.size > 0) {
      fail(
        appends.filter((a) => refused.has(a.room)),
        new RoomLimitError(this.#maxRooms!),
      );
    }
    return {
      admitted: appends.filter((a) => !refused.has(a.room)),
      rooms: room > 0 ? { ...rooms, next: rooms.count + room } : undefined,
    };
  }

  /** Applies a change with the room's next id (see {@linkcode commitChange}). */
  async change(room: string, input: ChangeInput): Promise<ChangeResult> {
    if (this.#closed) throw new Error("the store is closed");
    return await commitChange(this.#kv, {
      room,
      input,
      maxMessages: this.#maxMessages,
      messageTtlMs: this.#messageTtlMs,
      onCommitted: (counter) => this.#remember(room, counter),
    });
  }

  async #list<T>(
    selector: Deno.KvListSelector,
    options: { limit: number; oldest?: boolean },
  ): Promise<T[]> {
    const values: T[] = [];
    const reverse = !options.oldest;
    const iter = this.#kv.list<T>(selector, { reverse, limit: options.limit });
    for await (const entry of iter) values.push(entry.value);
    return reverse ? values.reverse() : values;
  }

  async after(room: string, options: AfterOptions): Promise<HistoryPage> {
    const from = formatId(seqNotAfter(options.since) + 1);
    const [messages, changes] = await Promise.all(
      ["msg", "ev"].map((part) =>
        this.#list<KvRecord | ChangeEvent>({
          prefix: [part, room],
          start: [part, room, from],
        }, { limit: options.limit + 1, oldest: options.oldest })
      ),
    );
    const merged: LogEvent[] = [
      ...(messages as KvRecord[]).map(toWire),
      ...changes as ChangeEvent[],
    ].sort((a, b) => a.id < b.id ? -1 : 1);
    const { kept: events, truncated } = pageOf(merged, options);
    await attachReplies(events, (ids) => this.#lookup(room, ids));
    return { messages: events, truncated };
  }

  async before(room: string, options: BeforeOptions): Promise<MessageEvent[]> {
    const selector: Deno.KvListSelector = options.before === undefined
      ? { prefix: ["msg", room] }
      : {
        prefix: ["msg", room],
        end: [
          "msg",
          room,
          formatId(seqNotAfter(options.before, { strict: true }) + 1),
        ],
      };
    const messages = (await this.#list<KvRecord>(selector, options)).map(
      toWire,
    );
    await attachReplies(messages, (ids) => this.#lookup(room, ids));
    return messages;
  }

  async #lookup(
    room: string,
    ids: string[],
  ): Promise<(MessageEvent | undefined)[]> {
    const found: (MessageEvent | undefined)[] = [];
    for (let i = 0; i < ids.length; i += READ_BATCH) {
      const entries = await this.#kv.getMany<KvRecord[]>(
        ids.slice(i, i + READ_BATCH).map((id) => ["msg", room, id]),
      );
      for (const entry of entries) {
        found.push(entry.value ? toWire(entry.value) : undefined);
      }
    }
    return found;
  }

  async get(room: string, id: string): Promise<StoredMessage | undefined> {
    if (parseId(id) === undefined) return undefined;
    const entry = await this.#kv.get<KvRecord>(["msg", room, id]);
    if (!entry.value) return undefined;
    const message = toWire(entry.value);
    await attachReplies([message], (ids) => this.#lookup(room, ids));
    return { message, owner: entry.value.owner };
  }

  async head(room: string): Promise<string> {
    const entry = await this.#kv.get<bigint>(KvStore.seqKey(room));
    return entry.value ? formatId(Number(entry.value)) : "";
  }

  async lastMessageAt(room: string): Promise<number | null> {
    return (await this.#kv.get<number>(["last", room])).value ?? null;
  }

  /** Throws when the database cannot be read, or while writes fail (see {@linkcode WriteHealth}). */
  async ping(): Promise<void> {
    await this.#kv.get(["ping"]);
    await this.#health.check();
  }

  /** Commits the appends already made, then closes the database. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#draining;
    await this.#sweeper.stop();
    this.#kv.close();
  }
}
