import type { LogEvent, MessageEvent } from "../../protocol/events.ts";
import { formatId, parseId, seqNotAfter } from "../../chat/ids.ts";
import {
  command,
  connectRedis,
  type RedisClient,
  type Reply,
} from "./client.ts";
import {
  APPEND,
  CHANGE,
  fieldsOf,
  parseState,
  seqOf,
  type State,
  toChange,
  toEvent,
} from "./log_layout.ts";
import { RedisKeys } from "./keys.ts";
import {
  type AfterOptions,
  type AppendInput,
  type AppendResult,
  attachReplies,
  type BeforeOptions,
  changeEvent,
  type ChangeInput,
  type ChangeResult,
  type HistoryPage,
  type IdFloor,
  MAX_EDITS,
  MAX_REACTION_EMOJI,
  type MessageStore,
  NONCE_TTL_MS,
  pageOf,
  type RetentionOptions,
  type StoredMessage,
  toMessage,
} from "../../store/store.ts";
import { withDeadline } from "../../clock.ts";

/** Options of {@linkcode RedisStore.open}. */
export interface RedisStoreOptions extends RetentionOptions {
  /** One Redis; ignored when `clusterNodes` is given. */
  url?: string;
  /** `host:port` seeds of a Redis Cluster. */
  clusterNodes?: string[];
  /** Prefix of every key (default `chat:`), to share one Redis between deployments. */
  prefix?: string;
  /** A message is acknowledged only once this many replicas have it (`WAIT`); 0 (default) does not wait. */
  waitReplicas?: number;
  onError?(error: Error): void;
  onReconnect?(): void;
  /** Wait for the first connection (default true). */
  waitForConnection?: boolean;
}

/** The sequence number under which the next id must not fall, as a script argument ("0": none). */
function floorOf(input: IdFloor): string {
  return String(input.after === undefined ? 0 : parseId(input.after) ?? 0);
}

/** Longest wait for Redis to answer the health check's `PING`. */
const PING_TIMEOUT_MS = 1000;

/** Longest `WAIT` for replicas before a message is refused with an error (the client resends it). */
export const REDIS_WAIT_TIMEOUT_MS = 1000;
/** How long the mark written after a read (with `waitReplicas`) is kept. */
const READ_MARK_TTL_MS = 10_000;

/**
 * Redis: one stream per room holds the history, a counter beside it gives
 * the sequence; both change in one script, so every server sees one order.
 */
export class RedisStore implements MessageStore {
  #client: RedisClient;
  #keys: RedisKeys;
  #maxMessages: number;
  #waitReplicas: number;

  /** Wraps a connected client. */
  constructor(client: RedisClient, options: Omit<RedisStoreOptions, "url">) {
    this.#client = client;
    this.#keys = new RedisKeys(options.prefix);
    this.#maxMessages = options.maxMessagesPerRoom ?? 10_000;
    this.#waitReplicas = options.waitReplicas ?? 0;
  }

  /** Connects to `options.url`. */
  static async open(options: RedisStoreOptions): Promise<RedisStore> {
    return new RedisStore(await connectRedis(options), options);
  }

  /** The connection, for the fan-out and presence that share it. */
  get client(): RedisClient {
    return this.#client;
  }

  /** The key layout (shared with presence and fan-out). */
  get keys(): RedisKeys {
    return this.#keys;
  }

  /** Key of `room`'s `part`, hash-tagged so a room's keys share a cluster slot. */
  key(room: string, part: string): string {
    return this.#keys.room(room, part);
  }

  /** The room's keys every script takes: counter, message stream, change stream, message states. */
  #roomKeys(room: string): string[] {
    return [
      this.#keys.seq(room),
      this.#keys.log(room),
      this.#keys.changes(room),
      this.#keys.states(room),
    ];
  }

  async append(room: string, input: AppendInput): Promise<AppendResult> {
    const nonceKey = input.nonce === undefined ? [] : [
      this.#keys.nonce(room, {
        scope: input.dedupeKey ?? "",
        nonce: input.nonce,
      }),
    ];
    const state: State = { t: input.text };
    if (input.owner !== undefined) state.o = input.owner;
    if (input.replyTo !== undefined) state.rt = input.replyTo;
    const reply = await APPEND.run(this.#client, {
      keys: [...this.#roomKeys(room), ...nonceKey],
      args: [
        input.username,
        JSON.stringify(state),
        String(input.ts),
        input.nonce ?? "",
        String(this.#maxMessages),
        String(NONCE_TTL_MS),
        floorOf(input),
      ],
    }) as [number, number, Reply?, Reply?];
    const [created, seq, fields, raw] = reply;
    await this.#replicated(room);
    if (created === 0) {
      return {
        message: toEvent(room, {
          seq,
          fields: fields!,
          state: parseState(raw),
        }),
        duplicate: true,
      };
    }
    return {
      message: toMessage(room, { ...input, id: formatId(seq) }),
      duplicate: false,
    };
  }

  async change(room: string, input: ChangeInput): Promise<ChangeResult> {
    const target = parseId(input.target);
    if (target === undefined) return { ok: false, refusal: "not_found" };
    const [status, seq] = await CHANGE.run(this.#client, {
      keys: this.#roomKeys(room),
      args: [
        input.kind,
        String(target),
        String(this.#maxMessages),
        String(MAX_EDITS),
        String(input.kind === "react" ? 0 : input.ts),
        input.kind === "delete" ? input.by : input.username,
        input.kind === "edit"
          ? input.text
          : input.kind === "react"
          ? input.emoji
          : "",
        input.kind === "react" && input.on ? "1" : "0",
        String(MAX_REACTION_EMOJI),
        floorOf(input),
      ],
    }) as [string, number?];
    if (status === "unchanged") return { ok: true };
    if (status !== "ok") {
      return { ok: false, refusal: status as "not_found" };
    }
    await this.#replicated(room);
    return { ok: true, event: changeEvent(formatId(seq!), input) };
  }

  /**
   * With `waitReplicas`, makes a read as safe as an acknowledgement: a mark
   * written after the read is confirmed by the replicas, so they hold
   * everything the read saw (replication keeps one order). Otherwise a
   * message stored but refused (its `WAIT` timed out) could be handed out by
   * a read and then lost with its primary.
   */
  async #readReplicated(room: string): Promise<void> {
    if (this.#waitReplicas === 0) return;
    await command(this.#client, [
      "SET",
      this.#keys.readMark(room),
      "1",
      "PX",
      String(READ_MARK_TTL_MS),
    ]);
    await this.#replicated(room);
  }

  /** With `waitReplicas`, throws unless that many replicas have the room's writes (a duplicate's too: its original may not be replicated yet). */
  async #replicated(room: string): Promise<void> {
    if (this.#waitReplicas === 0) return;
    const reached = await this.#client.waitReplicas(this.#keys.seq(room), {
      replicas: this.#waitReplicas,
      timeoutMs: REDIS_WAIT_TIMEOUT_MS,
    });
    if (reached < this.#waitReplicas) {
      throw new Error(
        `only ${reached} of ${this.#waitReplicas} Redis replicas confirmed the message within ${REDIS_WAIT_TIMEOUT_MS} ms`,
      );
    }
  }

  /** States of `seqs` from the room's hash. */
  async #states(room: string, seqs: number[]): Promise<(State | undefined)[]> {
    if (seqs.length === 0) return [];
    const reply = await command(this.#client, [
      "HMGET",
      this.#keys.states(room),
      ...seqs.map(String),
    ]) as Reply[];
    return reply.map(parseState);
  }

  async #messages(
    room: string,
    entries: [string, Reply][],
  ): Promise<MessageEvent[]> {
    const seqs = entries.map(([id]) => seqOf(id));
    const states = await this.#states(room, seqs);
    return entries.map(([, fields], i) =>
      toEvent(room, { seq: seqs[i], fields, state: states[i] })
    );
  }

  async after(room: string, options: AfterOptions): Promise<HistoryPage> {
    const from = seqNotAfter(options.since);
    const start = from < 0 ? "-" : `(${from}-0`;
    const [log, chg] = await Promise.all(
      [this.#keys.log(room), this.#keys.changes(room)].map((key) =>
        command(this.#client, [
          ...options.oldest
            ? ["XRANGE", key, start, "+"]
            : ["XREVRANGE", key, "+", start],
          "COUNT",
          String(options.limit + 1),
        ]) as Promise<[string, Reply][]>
      ),
    );
    const merged = [
      ...(options.oldest ? log : log.reverse()).map((entry) => ({
        entry,
        message: true,
      })),
      ...(options.oldest ? chg : chg.reverse()).map((entry) => ({
        entry,
        message: false,
      })),
    ].sort((a, b) => seqOf(a.entry[0]) - seqOf(b.entry[0]));
    const { kept, truncated } = pageOf(merged, options);
    const messages = await this.#messages(
      room,
      kept.filter((k) => k.message).map((k) => k.entry),
    );
    const edits = kept.filter((k) =>
      !k.message && fieldsOf(k.entry[1]).k === "e"
    ).map((k) => seqOf(k.entry[0]));
    const texts = new Map<number, State | undefined>();
    (await this.#states(room, edits)).forEach((s, i) => texts.set(edits[i], s));
    let next = 0;
    const events: LogEvent[] = kept.map(({ entry, message }) =>
      message ? messages[next++] : toChange(entry[0], {
        fields: entry[1],
        text: texts.get(seqOf(entry[0])),
      })
    );
    await attachReplies(events, (ids) => this.#lookup(room, ids));
    await this.#readReplicated(room);
    return { messages: events, truncated };
  }

  async before(room: string, options: BeforeOptions): Promise<MessageEvent[]> {
    const to = options.before === undefined
      ? undefined
      : seqNotAfter(options.before, { strict: true });
    if (to !== undefined && to < 1) return [];
    const reply = await command(this.#client, [
      "XREVRANGE",
      this.#keys.log(room),
      to === undefined ? "+" : `${to}-0`,
      "-",
      "COUNT",
      String(options.limit),
    ]) as [string, Reply][];
    const messages = (await this.#messages(room, reply)).reverse();
    await attachReplies(messages, (ids) => this.#lookup(room, ids));
    await this.#readReplicated(room);
    return messages;
  }

  async #lookup(
    room: string,
    ids: string[],
  ): Promise<(MessageEvent | undefined)[]> {
    return await Promise.all(ids.map(async (id) => {
      const seq = parseId(id);
      if (seq === undefined) return undefined;
      const [entries, states] = await Promise.all([
        command(this.#client, [
          "XRANGE",
          this.#keys.log(room),
          `${seq}-0`,
          `${seq}-0`,
        ]) as Promise<[string, Reply][]>,
        this.#states(room, [seq]),
      ]);
      if (entries.length === 0) return undefined;
      return toEvent(room, { seq, fields: entries[0][1], state: states[0] });
    }));
  }

  async get(room: string, id: string): Promise<StoredMessage | undefined> {
    const [message] = await this.#lookup(room, [id]);
    if (!message) return undefined;
    await attachReplies([message], (ids) => this.#lookup(room, ids));
    const [state] = await this.#states(room, [parseId(id)!]);
    return { message, owner: state?.o };
  }

  async head(room: string): Promise<string> {
    const seq = await command(this.#client, ["GET", this.#keys.seq(room)]);
    return seq === null ? "" : formatId(Number(seq));
  }

  async lastMessageAt(room: string): Promise<number | null> {
    const [newest] = await this.before(room, { limit: 1 });
    return newest?.ts ?? null;
  }

  async ping(): Promise<void> {
    await withDeadline(command(this.#client, ["PING"]), {
      ms: PING_TIMEOUT_MS,
      error: () => new Error("Redis did not answer PING"),
    });
  }

  async close(): Promise<void> {
    try {
      await this.#client.close();
    } catch {
      this.#client.destroy();
    }
  }
}
