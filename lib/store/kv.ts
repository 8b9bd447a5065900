import type { MessageEvent } from "../chat/events.ts";
import { formatId } from "../chat/ids.ts";
import {
  type AfterOptions,
  type AppendInput,
  type AppendResult,
  type BeforeOptions,
  type HistoryPage,
  type MessageStore,
  NONCE_TTL_MS,
  type RetentionOptions,
  toMessage,
} from "./store.ts";

/** Options of {@linkcode KvStore.open}. */
export interface KvStoreOptions extends RetentionOptions {
  /** File of the database; the platform's default (Deno Deploy's managed KV) when absent. */
  path?: string;
  /** Messages older than this many milliseconds expire (never by default). */
  messageTtlMs?: number;
}

const MAX_ATTEMPTS = 64;

/** Commits; undefined when another handle on the same file holds the write lock. */
async function commitOrBusy(
  op: Deno.AtomicOperation,
): Promise<Deno.KvCommitResult | Deno.KvCommitError | undefined> {
  try {
    return await op.commit();
  } catch (error) {
    if (
      error instanceof TypeError && /database is locked/.test(error.message)
    ) {
      return undefined;
    }
    throw error;
  }
}

/**
 * Deno KV: one counter and one entry per message under the room, written in
 * one atomic commit so ids follow the counter in every isolate and process.
 */
export class KvStore implements MessageStore {
  #kv: Deno.Kv;
  #maxMessages: number;
  #messageTtlMs?: number;
  #tails = new Map<string, Promise<unknown>>();

  /** Wraps an open database. */
  constructor(kv: Deno.Kv, options: KvStoreOptions = {}) {
    this.#kv = kv;
    this.#maxMessages = options.maxMessagesPerRoom ?? 10_000;
    this.#messageTtlMs = options.messageTtlMs;
  }

  /** Opens the database at `options.path` (creating its folder). */
  static async open(options: KvStoreOptions = {}): Promise<KvStore> {
    if (options.path && options.path !== ":memory:") {
      const folder = options.path.replace(/[^/\\]*$/, "");
      if (folder) await Deno.mkdir(folder, { recursive: true });
    }
    return new KvStore(await Deno.openKv(options.path), options);
  }

  /** Key of the room's sequence counter, which moves with every message. */
  static seqKey(room: string): Deno.KvKey {
    return ["seq", room];
  }

  /** The database underneath, for fan-out that watches it. */
  get kv(): Deno.Kv {
    return this.#kv;
  }

  append(room: string, input: AppendInput): Promise<AppendResult> {
    const previous = this.#tails.get(room) ?? Promise.resolve();
    const next = previous.catch(() => {}).then(() => this.#append(room, input));
    this.#tails.set(room, next);
    next.finally(() => {
      if (this.#tails.get(room) === next) this.#tails.delete(room);
    }).catch(() => {});
    return next;
  }

  async #append(room: string, input: AppendInput): Promise<AppendResult> {
    const seqKey = KvStore.seqKey(room);
    const nonceKey = input.nonce === undefined
      ? undefined
      : ["nonce", room, input.dedupeKey ?? "", input.nonce];
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const [seqEntry, nonceEntry] = await this.#kv.getMany<[bigint, string]>(
        [seqKey, nonceKey ?? seqKey],
      );
      if (nonceKey && nonceEntry.value) {
        const original = await this.#kv.get<MessageEvent>([
          "msg",
          room,
          nonceEntry.value,
        ]);
        if (original.value) {
          return { message: original.value, duplicate: true };
        }
      }
      const seq = Number(seqEntry.value ?? 0n) + 1;
      const message = toMessage(room, { ...input, id: formatId(seq) });
      const op = this.#kv.atomic()
        .check(seqEntry)
        .set(seqKey, BigInt(seq))
        .set(["msg", room, message.id], message, {
          expireIn: this.#messageTtlMs,
        })
        .set(["last", room], message.ts);
      if (nonceKey) {
        op.check(nonceEntry).set(nonceKey, message.id, {
          expireIn: NONCE_TTL_MS,
        });
      }
      if (seq > this.#maxMessages) {
        op.delete(["msg", room, formatId(seq - this.#maxMessages)]);
      }
      const result = await commitOrBusy(op);
      if (result?.ok) return { message, duplicate: false };
      await new Promise((r) =>
        setTimeout(r, Math.random() * 4 * (attempt + 1))
      );
    }
    throw new Error(`append to ${room} kept conflicting`);
  }

  async after(room: string, options: AfterOptions): Promise<HistoryPage> {
    const messages: MessageEvent[] = [];
    const iter = this.#kv.list<MessageEvent>({
      start: ["msg", room, options.since + "\0"],
      end: ["msg", room, "\uffff"],
    }, { reverse: true, limit: options.limit + 1 });
    for await (const entry of iter) messages.push(entry.value);
    const truncated = messages.length > options.limit;
    if (truncated) messages.pop();
    return { messages: messages.reverse(), truncated };
  }

  async before(room: string, options: BeforeOptions): Promise<MessageEvent[]> {
    const selector: Deno.KvListSelector = options.before === undefined
      ? { prefix: ["msg", room] }
      : { start: ["msg", room, ""], end: ["msg", room, options.before] };
    const messages: MessageEvent[] = [];
    const iter = this.#kv.list<MessageEvent>(selector, {
      reverse: true,
      limit: options.limit,
    });
    for await (const entry of iter) messages.push(entry.value);
    return messages.reverse();
  }

  async lastMessageAt(room: string): Promise<number | null> {
    return (await this.#kv.get<number>(["last", room])).value ?? null;
  }

  async ping(): Promise<void> {
    await this.#kv.get(["ping"]);
  }

  close(): Promise<void> {
    this.#kv.close();
    return Promise.resolve();
  }
}
