/**
 * Settings from the environment: the one schema ({@linkcode SCHEMA}) that
 * parsing, `--help` and the settings tables of README.md and docs/protocol.md
 * come from (`deno task docs` writes the tables; a test fails on drift).
 */
import { canonicalName } from "./protocol/names.ts";
import { IDLE_TIMEOUT_S } from "./chat/service.ts";
import { HEADER_TIMEOUT_MS } from "./listener.ts";
import {
  choice,
  flag,
  integer,
  list,
  onOff,
  optionalInteger,
  resolveSettings,
  type Setting,
  text,
} from "./settings.ts";

/** Which store keeps the history. */
export type StoreKind = "kv" | "memory" | "redis";

/** Every setting of the server, resolved. */
export interface Config {
  port: number;
  hostname: string;
  store: StoreKind;
  /** KV file; undefined on Deno Deploy (the managed database). */
  kvPath?: string;
  redisUrl: string;
  /** `host:port` seeds of a Redis Cluster; when set, replaces `redisUrl`. */
  redisClusterNodes: string[];
  /** A message is acknowledged only after this many Redis replicas have it. */
  redisWaitReplicas: number;
  allowedOrigins: string[];
  rateLimit: boolean;
  maxMessagesPerRoom: number;
  /** Most rooms with stored messages (kv, memory); a first message in one more gets `room_limit`. */
  maxRooms: number;
  batchFlushMs: number;
  /** How long a silent server's people stay listed (Redis and KV presence). */
  presenceTtlMs: number;
  /** How events reach other isolates with the kv store. */
  fanout: "broadcast" | "kv";
  /** With kv: messages expire after this long (never when undefined). */
  messageTtlMs?: number;
  maxConnections: number;
  /** Open-file limit to budget connections for, when the operator gives it (else read or learned). */
  fileLimit?: number;
  /** 0 is no per-address cap. */
  maxConnectionsPerAddress: number;
  trustedProxies: string[];
  idleTimeoutSeconds: number;
  maxBufferedBytes: number;
  /** Milliseconds a connection may take to send a complete request head. */
  headerTimeoutMs: number;
  logLevel: "debug" | "info" | "warn" | "error";
  /** Set by `deno task dev`: pages reload themselves after a restart. */
  dev: boolean;
  /** Who may speak: guests, accounts and token users; accounts only; guests only. */
  accounts: "optional" | "required" | "off";
  /** Account names (canonical) that moderate every room. */
  admins: string[];
  /** HS256 secret of embedding tokens. */
  tokenSecret?: string;
  /** ES256/RS256 public key of embedding tokens, a JWK or PEM. */
  tokenPublicKey?: string;
  /** Server isolates (Web Workers) of this process, one port (lib/scale/isolates.ts). */
  workers: number;
  /** Server processes on one port, sharing rooms through the store (lib/scale/processes.ts). */
  processes: number;
}

/** Most server isolates one process may run (CHAT_WORKERS). */
export const MAX_WORKERS = 64;
/** Most server processes one supervisor may start (CHAT_PROCESSES). */
export const MAX_PROCESSES = 64;

const HOST_PORT = /^[^\s:/]+:\d{1,5}$/;

/** Every variable the server reads: name, type and range, default, meaning. */
export const SCHEMA = [
  {
    name: "PORT",
    key: "port",
    type: integer({ min: 0, max: 65535 }, { value: 8000 }),
    meaning: "TCP port (0 picks a free one)",
  },
  {
    name: "HOSTNAME",
    key: "hostname",
    type: text({ value: "0.0.0.0" }),
    meaning: "address to listen on",
  },
  {
    name: "CHAT_STORE",
    key: "store",
    type: choice(["kv", "memory", "redis"], { fallback: "kv" }),
    meaning:
      "`kv` (Deno KV: a SQLite file locally, the managed database on Deploy), `memory` (nothing survives a restart), `redis` (several processes share rooms)",
    see: "Backends and what they guarantee",
  },
  {
    name: "CHAT_KV_PATH",
    key: "kvPath",
    type: text({
      value: (c) => c.onDeploy ? undefined : "./data/chat.kv",
      doc: "`./data/chat.kv`",
    }),
    meaning:
      "the KV file for `CHAT_STORE=kv`, its folder created at start (`deno task start` may write only `./data`); leave unset on Deno Deploy (managed database)",
  },
  {
    name: "REDIS_URL",
    key: "redisUrl",
    type: text({ value: "redis://127.0.0.1:6379" }),
    meaning: "for `CHAT_STORE=redis`",
  },
  {
    name: "REDIS_CLUSTER_NODES",
    key: "redisClusterNodes",
    type: list({
      values: "`host:port`, comma-separated",
      parse(node, name) {
        if (!HOST_PORT.test(node)) {
          throw new Error(
            `${name} must be comma-separated host:port, got "${node}"`,
          );
        }
        return node;
      },
    }),
    meaning:
      "with `CHAT_STORE=redis`: seeds of a Redis Cluster (Redis 7+), replacing `REDIS_URL`",
    see: "Redis Cluster",
  },
  {
    name: "CHAT_REDIS_WAIT_REPLICAS",
    key: "redisWaitReplicas",
    type: integer({ min: 0, max: 16 }, { value: 0 }),
    meaning:
      "with Redis: a message is acknowledged only once this many replicas have it (`WAIT`, 1 s at most, else `server_error`)",
    see: "What a Redis failover can lose",
  },
  {
    name: "ALLOWED_ORIGINS",
    key: "allowedOrigins",
    type: list(),
    meaning: "extra origins allowed to open the WebSocket",
  },
  {
    name: "CHAT_RATE_LIMIT",
    key: "rateLimit",
    type: onOff(true),
    meaning: "`off` for benchmarks and trusted load tests",
  },
  {
    name: "CHAT_MAX_MESSAGES",
    key: "maxMessagesPerRoom",
    type: integer({ min: 1, max: 10_000_000 }, { value: 10_000 }),
    meaning:
      "history kept per room (every backend); older messages are dropped",
  },
  {
    name: "CHAT_MAX_ROOMS",
    key: "maxRooms",
    type: integer({ min: 1, max: 100_000_000 }, { value: 10_000 }),
    meaning:
      "rooms with stored messages (kv, memory): a first message in one more gets `room_limit` and is not stored",
  },
  {
    name: "CHAT_BATCH_FLUSH_MS",
    key: "batchFlushMs",
    type: integer({ min: 0, max: 1000 }, { value: 5 }),
    meaning:
      "how long events wait to be packed for clients that asked for batches",
  },
  {
    name: "CHAT_PRESENCE_TTL_MS",
    key: "presenceTtlMs",
    type: integer({ min: 300, max: 3_600_000 }, { value: 15_000 }),
    meaning:
      "how long the people of a server that went silent stay listed (redis, kv)",
  },
  {
    name: "CHAT_FANOUT",
    key: "fanout",
    type: choice(["broadcast", "kv"], { fallback: "broadcast" }),
    meaning:
      "with kv: how isolates reach each other, `broadcast` (`BroadcastChannel`) or `kv` (watch the database, for hosts where a channel may not reach every instance)",
  },
  {
    name: "CHAT_MESSAGE_TTL_MS",
    key: "messageTtlMs",
    type: optionalInteger({ min: 1000, max: Number.MAX_SAFE_INTEGER }),
    meaning: "with kv: messages also expire after this long",
  },
  {
    name: "CHAT_MAX_CONNECTIONS",
    key: "maxConnections",
    type: integer({ min: 1, max: 10_000_000 }, { value: 20_000 }),
    meaning:
      "most open WebSockets on one server; more get 503 before the upgrade",
  },
  {
    name: "CHAT_FILE_LIMIT",
    key: "fileLimit",
    type: optionalInteger({ min: 64, max: 100_000_000 }),
    meaning:
      "the process's open-file limit (`ulimit -n`); connections are capped below it (503 past the cap). Unset: read from /proc/self/limits (only with --allow-all), else learned at the first accept that fails for want of descriptors",
  },
  {
    name: "CHAT_MAX_CONNECTIONS_PER_ADDRESS",
    key: "maxConnectionsPerAddress",
    type: integer({ min: 0, max: 10_000_000 }, { value: 0, doc: "`0` (off)" }),
    meaning:
      "most open WebSockets per client address; more get 429. Off by default because behind a proxy everyone shares its address",
  },
  {
    name: "CHAT_TRUSTED_PROXIES",
    key: "trustedProxies",
    type: list(),
    meaning:
      "proxy addresses whose `X-Forwarded-For` names the client (rightmost untrusted hop)",
  },
  {
    name: "CHAT_IDLE_TIMEOUT_S",
    key: "idleTimeoutSeconds",
    type: integer({ min: 1, max: 3600 }, { value: IDLE_TIMEOUT_S }),
    meaning:
      "the server pings; a peer silent this long is closed and its people leave",
  },
  {
    name: "CHAT_MAX_BUFFERED_BYTES",
    key: "maxBufferedBytes",
    type: integer({ min: 16_384, max: 1024 * 1024 * 1024 }, {
      value: 1024 * 1024,
    }),
    meaning:
      "unsent bytes one socket may hold for 2 s (or 8× this at once) before it is closed with 4008 as a slow consumer; it resumes with `since`",
  },
  {
    name: "CHAT_HEADER_TIMEOUT_MS",
    key: "headerTimeoutMs",
    type: integer({ min: 100, max: 600_000 }, { value: HEADER_TIMEOUT_MS }),
    meaning:
      "a connection that sends no complete request head in this long (a new one, or a kept-alive one between requests) is closed",
  },
  {
    name: "CHAT_LOG_LEVEL",
    key: "logLevel",
    type: choice(["debug", "info", "warn", "error"], { fallback: "info" }),
    meaning: "least level written",
  },
  {
    name: "CHAT_DEV",
    key: "dev",
    type: flag(),
    meaning:
      "`1` (set by `deno task dev`): pages reload themselves after the server restarts",
  },
  {
    name: "CHAT_ACCOUNTS",
    key: "accounts",
    type: choice(["optional", "required", "off"], {
      fallback: "optional",
      lowercase: true,
    }),
    meaning:
      "`optional` (guests, accounts, token users), `required` (no guest may join), `off` (guests only, no account routes)",
    see: "People: accounts, passkeys and tokens",
  },
  {
    name: "CHAT_ADMINS",
    key: "admins",
    type: list({
      values: "account names, comma-separated",
      parse: canonicalName,
    }),
    meaning:
      "accounts that moderate every room: kick, ban, mute, invite, read the audit log, see private rooms",
    see: "Rooms, roles and moderation",
  },
  {
    name: "CHAT_TOKEN_SECRET",
    key: "tokenSecret",
    type: text({ minLength: 32 }),
    meaning: "HS256 secret of embedding sites' tokens",
    see: "Putting the chat beside your own users (tokens)",
  },
  {
    name: "CHAT_TOKEN_PUBLIC_KEY",
    key: "tokenPublicKey",
    type: text(),
    meaning: "ES256/RS256 public key (JWK or PEM) of embedding sites' tokens",
    see: "Putting the chat beside your own users (tokens)",
  },
  {
    name: "CHAT_WORKERS",
    key: "workers",
    type: integer({ min: 1, max: MAX_WORKERS }, {
      value: (c) =>
        c.onDeploy ? 1 : Math.max(1, navigator.hardwareConcurrency || 1),
      doc: "CPU count",
    }),
    meaning:
      "server isolates on one port (Web Workers, `SO_REUSEPORT`); the `memory` store keeps to one",
    see: "Every core, and more than one process",
  },
  {
    name: "CHAT_PROCESSES",
    key: "processes",
    type: integer({ min: 1, max: MAX_PROCESSES }, { value: 1 }),
    meaning:
      "server processes on one port (Linux), sharing rooms through `redis` (needs `CHAT_STORE=redis` and `--allow-run`)",
    see: "Every core, and more than one process",
  },
  {
    name: "CHAT_PROCESS_INDEX",
    type: text(),
    meaning: "set by `CHAT_PROCESSES` for each process it starts",
  },
  {
    name: "DENO_DEPLOYMENT_ID",
    type: text(),
    meaning: "set by Deno Deploy: the kv store opens the managed database",
  },
] satisfies Setting<keyof Config>[];

type Unparsed = Exclude<
  keyof Config,
  NonNullable<typeof SCHEMA[number]["key"]>
>;
/** Compiles only while every field of {@linkcode Config} has a row in the schema. */
const _everyFieldHasARow: [Unparsed] extends [never] ? true : Unparsed = true;

/** Names of every variable the server reads. */
export const SETTINGS: readonly string[] = SCHEMA.map((setting) =>
  setting.name
);

/** Reads one variable; undefined when unset or not permitted. */
export function readEnv(name: string): string | undefined {
  try {
    return Deno.env.get(name);
  } catch {
    return undefined;
  }
}

/** Resolves the settings; throws with a clear message for a bad value. */
export function loadConfig(
  env: (name: string) => string | undefined = readEnv,
): Config {
  return resolveSettings(SCHEMA, env) as unknown as Config;
}
