import type { MessageEvent } from "../chat/events.ts";
import { formatId, seqNotAfter } from "../chat/ids.ts";
import {
  command,
  connectRedis,
  type RedisClient,
  type Reply,
  Script,
} from "./redis_client.ts";
import { RedisKeys } from "./redis_keys.ts";
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

/** Longest `WAIT` for replicas before a message is refused with an error (the client resends it). */
export const REDIS_WAIT_TIMEOUT_MS = 1000;

/**
 * Appends atomically: an existing nonce answers with the original entry;
 * otherwise the room counter is bumped and the message added to the room's
 * stream under the entry id `<seq>-0`, trimmed to the retention length.
 */
const APPEND = new Script(`
if KEYS[3] then
  local seen = redis.call("GET", KEYS[3])
  if seen then
    local entries = redis.call("XRANGE", KEYS[2], seen .. "-0", seen .. "-0")
    if #entries > 0 then return {0, tonumber(seen), entries[1][2]} end
  end
end
local seq = redis.call("INCR", KEYS[1])
local fields = {"u", ARGV[1], "t", ARGV[2], "ts", ARGV[3]}
if ARGV[4] ~= "" then
  fields[7] = "n"
  fields[8] = ARGV[4]
end
redis.call("XADD", KEYS[2], "MAXLEN", ARGV[5], seq .. "-0", unpack(fields))
if KEYS[3] then redis.call("SET", KEYS[3], seq, "PX", ARGV[6]) end
return {1, seq}
`);

function fieldsOf(reply: Reply): Record<string, string> {
  const list = reply as string[];
  const fields: Record<string, string> = {};
  for (let i = 0; i + 1 < list.length; i += 2) fields[list[i]] = list[i + 1];
  return fields;
}

function toEvent(room: string, seq: number, reply: Reply): MessageEvent {
  const fields = fieldsOf(reply);
  return toMessage(room, {
    id: formatId(seq),
    username: fields.u,
    text: fields.t,
    ts: Number(fields.ts),
    nonce: fields.n,
  });
}

function entries(room: string, reply: Reply): MessageEvent[] {
  return (reply as [string, Reply][]).map(([id, fields]) =>
    toEvent(room, Number(id.slice(0, id.indexOf("-"))), fields)
  );
}

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

  async append(room: string, input: AppendInput): Promise<AppendResult> {
    const keys = this.#keys;
    const nonceKey = input.nonce === undefined ? [] : [
      keys.nonce(room, { scope: input.dedupeKey ?? "", nonce: input.nonce }),
    ];
    const reply = await APPEND.run(this.#client, {
      keys: [keys.seq(room), keys.log(room), ...nonceKey],
      args: [
        input.username,
        input.text,
        String(input.ts),
        input.nonce ?? "",
        String(this.#maxMessages),
        String(NONCE_TTL_MS),
      ],
    }) as [number, number, Reply?];
    const [created, seq, fields] = reply;
    await this.#replicated(room);
    if (created === 0) {
      return { message: toEvent(room, seq, fields!), duplicate: true };
    }
    return {
      message: toMessage(room, { ...input, id: formatId(seq) }),
      duplicate: false,
    };
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

  async after(room: string, options: AfterOptions): Promise<HistoryPage> {
    const from = seqNotAfter(options.since);
    const reply = await command(this.#client, [
      "XREVRANGE",
      this.#keys.log(room),
      "+",
      from < 0 ? "-" : `(${from}-0`,
      "COUNT",
      String(options.limit + 1),
    ]);
    const messages = entries(room, reply);
    const truncated = messages.length > options.limit;
    if (truncated) messages.pop();
    return { messages: messages.reverse(), truncated };
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
    ]);
    return entries(room, reply).reverse();
  }

  async lastMessageAt(room: string): Promise<number | null> {
    const [newest] = await this.before(room, { limit: 1 });
    return newest?.ts ?? null;
  }

  async ping(): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      await Promise.race([
        command(this.#client, ["PING"]),
        new Promise((_, reject) => {
          timer = setTimeout(
            () => reject(new Error("Redis did not answer PING")),
            1000,
          );
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    try {
      await this.#client.close();
    } catch {
      this.#client.destroy();
    }
  }
}
