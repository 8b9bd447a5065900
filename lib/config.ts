/** Settings from the environment (docs/protocol.md, "Running it"). */
import { canonicalName } from "./chat/names.ts";

import { HEADER_TIMEOUT_MS } from "./listener.ts";

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

/** Names of every variable the server reads. */
export const SETTINGS = [
  "PORT",
  "HOSTNAME",
  "CHAT_STORE",
  "CHAT_KV_PATH",
  "REDIS_URL",
  "REDIS_CLUSTER_NODES",
  "CHAT_REDIS_WAIT_REPLICAS",
  "ALLOWED_ORIGINS",
  "CHAT_RATE_LIMIT",
  "CHAT_MAX_MESSAGES",
  "CHAT_MAX_ROOMS",
  "CHAT_BATCH_FLUSH_MS",
  "CHAT_PRESENCE_TTL_MS",
  "CHAT_FANOUT",
  "CHAT_MESSAGE_TTL_MS",
  "CHAT_MAX_CONNECTIONS",
  "CHAT_MAX_CONNECTIONS_PER_ADDRESS",
  "CHAT_TRUSTED_PROXIES",
  "CHAT_IDLE_TIMEOUT_S",
  "CHAT_MAX_BUFFERED_BYTES",
  "CHAT_HEADER_TIMEOUT_MS",
  "CHAT_LOG_LEVEL",
  "CHAT_DEV",
  "CHAT_ACCOUNTS",
  "CHAT_ADMINS",
  "CHAT_TOKEN_SECRET",
  "CHAT_TOKEN_PUBLIC_KEY",
  "CHAT_WORKERS",
  "CHAT_PROCESSES",
  "CHAT_PROCESS_INDEX",
  "DENO_DEPLOYMENT_ID",
] as const;

/** Reads one variable; undefined when unset or not permitted. */
export function readEnv(name: string): string | undefined {
  try {
    return Deno.env.get(name);
  } catch {
    return undefined;
  }
}

function integer(
  value: string | undefined,
  options: { name: string; fallback: number; min: number; max: number },
): number {
  if (value === undefined || value === "") return options.fallback;
  const number = Number(value);
  if (
    !Number.isInteger(number) || number < options.min || number > options.max
  ) {
    throw new Error(
      `${options.name} must be a whole number from ${options.min} to ${options.max}, got "${value}"`,
    );
  }
  return number;
}

function list(value: string | undefined): string[] {
  return (value ?? "").split(",").map((item) => item.trim()).filter(Boolean);
}

function clusterNodes(value: string | undefined): string[] {
  const nodes = list(value);
  for (const node of nodes) {
    if (!/^[^\s:/]+:\d{1,5}$/.test(node)) {
      throw new Error(
        `REDIS_CLUSTER_NODES must be comma-separated host:port, got "${node}"`,
      );
    }
  }
  return nodes;
}

/** Resolves the settings; throws with a clear message for a bad value. */
export function loadConfig(
  env: (name: string) => string | undefined = readEnv,
): Config {
  const store = env("CHAT_STORE") || "kv";
  if (store !== "kv" && store !== "memory" && store !== "redis") {
    throw new Error(
      `CHAT_STORE must be kv, memory or redis, got "${store}"`,
    );
  }
  const rateLimit = (env("CHAT_RATE_LIMIT") || "on").toLowerCase();
  if (rateLimit !== "on" && rateLimit !== "off") {
    throw new Error(`CHAT_RATE_LIMIT must be on or off, got "${rateLimit}"`);
  }
  const fanout = env("CHAT_FANOUT") || "broadcast";
  if (fanout !== "broadcast" && fanout !== "kv") {
    throw new Error(`CHAT_FANOUT must be broadcast or kv, got "${fanout}"`);
  }
  const messageTtl = env("CHAT_MESSAGE_TTL_MS");
  const logLevel = env("CHAT_LOG_LEVEL") || "info";
  if (!["debug", "info", "warn", "error"].includes(logLevel)) {
    throw new Error(
      `CHAT_LOG_LEVEL must be debug, info, warn or error, got "${logLevel}"`,
    );
  }
  const onDeploy = Boolean(env("DENO_DEPLOYMENT_ID"));
  const accounts = (env("CHAT_ACCOUNTS") || "optional").toLowerCase();
  if (!["optional", "required", "off"].includes(accounts)) {
    throw new Error(
      `CHAT_ACCOUNTS must be optional, required or off, got "${accounts}"`,
    );
  }
  const tokenSecret = env("CHAT_TOKEN_SECRET") || undefined;
  if (tokenSecret !== undefined && tokenSecret.length < 32) {
    throw new Error("CHAT_TOKEN_SECRET must have at least 32 characters");
  }
  return {
    port: integer(env("PORT"), {
      name: "PORT",
      fallback: 8000,
      min: 0,
      max: 65535,
    }),
    hostname: env("HOSTNAME") || "0.0.0.0",
    store,
    kvPath: env("CHAT_KV_PATH") || (onDeploy ? undefined : "./data/chat.kv"),
    redisUrl: env("REDIS_URL") || "redis://127.0.0.1:6379",
    redisClusterNodes: clusterNodes(env("REDIS_CLUSTER_NODES")),
    redisWaitReplicas: integer(env("CHAT_REDIS_WAIT_REPLICAS"), {
      name: "CHAT_REDIS_WAIT_REPLICAS",
      fallback: 0,
      min: 0,
      max: 16,
    }),
    allowedOrigins: list(env("ALLOWED_ORIGINS")),
    rateLimit: rateLimit === "on",
    maxMessagesPerRoom: integer(env("CHAT_MAX_MESSAGES"), {
      name: "CHAT_MAX_MESSAGES",
      fallback: 10_000,
      min: 1,
      max: 10_000_000,
    }),
    maxRooms: integer(env("CHAT_MAX_ROOMS"), {
      name: "CHAT_MAX_ROOMS",
      fallback: 10_000,
      min: 1,
      max: 100_000_000,
    }),
    batchFlushMs: integer(env("CHAT_BATCH_FLUSH_MS"), {
      name: "CHAT_BATCH_FLUSH_MS",
      fallback: 5,
      min: 0,
      max: 1000,
    }),
    presenceTtlMs: integer(env("CHAT_PRESENCE_TTL_MS"), {
      name: "CHAT_PRESENCE_TTL_MS",
      fallback: 15_000,
      min: 300,
      max: 3_600_000,
    }),
    fanout,
    messageTtlMs: messageTtl
      ? integer(messageTtl, {
        name: "CHAT_MESSAGE_TTL_MS",
        fallback: 0,
        min: 1000,
        max: Number.MAX_SAFE_INTEGER,
      })
      : undefined,
    maxConnections: integer(env("CHAT_MAX_CONNECTIONS"), {
      name: "CHAT_MAX_CONNECTIONS",
      fallback: 20_000,
      min: 1,
      max: 10_000_000,
    }),
    maxConnectionsPerAddress: integer(
      env("CHAT_MAX_CONNECTIONS_PER_ADDRESS"),
      {
        name: "CHAT_MAX_CONNECTIONS_PER_ADDRESS",
        fallback: 0,
        min: 0,
        max: 10_000_000,
      },
    ),
    trustedProxies: list(env("CHAT_TRUSTED_PROXIES")),
    idleTimeoutSeconds: integer(env("CHAT_IDLE_TIMEOUT_S"), {
      name: "CHAT_IDLE_TIMEOUT_S",
      fallback: 30,
      min: 1,
      max: 3600,
    }),
    maxBufferedBytes: integer(env("CHAT_MAX_BUFFERED_BYTES"), {
      name: "CHAT_MAX_BUFFERED_BYTES",
      fallback: 1024 * 1024,
      min: 16_384,
      max: 1024 * 1024 * 1024,
    }),
    headerTimeoutMs: integer(env("CHAT_HEADER_TIMEOUT_MS"), {
      name: "CHAT_HEADER_TIMEOUT_MS",
      fallback: HEADER_TIMEOUT_MS,
      min: 100,
      max: 600_000,
    }),
    logLevel: logLevel as Config["logLevel"],
    dev: env("CHAT_DEV") === "1",
    accounts: accounts as Config["accounts"],
    admins: list(env("CHAT_ADMINS")).map(canonicalName),
    tokenSecret,
    tokenPublicKey: env("CHAT_TOKEN_PUBLIC_KEY") || undefined,
    workers: integer(env("CHAT_WORKERS"), {
      name: "CHAT_WORKERS",
      fallback: onDeploy ? 1 : Math.max(1, navigator.hardwareConcurrency || 1),
      min: 1,
      max: MAX_WORKERS,
    }),
    processes: integer(env("CHAT_PROCESSES"), {
      name: "CHAT_PROCESSES",
      fallback: 1,
      min: 1,
      max: MAX_PROCESSES,
    }),
  };
}
