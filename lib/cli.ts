/**
 * Command line of the server: `--help` and `--version`. Everything else is
 * configured through the environment (lib/config.ts), so that `deno run
 * main.ts`, `deno run chat.js`, the compiled executable and Deno Deploy all
 * read the same settings.
 */
import { type Config, loadConfig, SETTINGS } from "./config.ts";

/** Version of the chat server, printed by `--version`. */
export const VERSION = "0.1.0";

/** What the command line asks for. */
export type CliAction =
  | { kind: "serve" }
  | { kind: "help" }
  | { kind: "version" }
  | { kind: "error"; message: string };

/** One row of the settings table. */
export interface SettingHelp {
  name: string;
  /** Default as text; `-` when the setting has none. */
  fallback: string;
  meaning: string;
}

interface SettingDoc {
  fallback: (defaults: Config) => string | undefined;
  meaning: string;
}

const DOCS: Record<string, SettingDoc> = {
  PORT: {
    fallback: (c) => String(c.port),
    meaning: "TCP port (0 picks a free one)",
  },
  HOSTNAME: { fallback: (c) => c.hostname, meaning: "address to listen on" },
  CHAT_STORE: { fallback: (c) => c.store, meaning: "kv, memory or redis" },
  CHAT_KV_PATH: {
    fallback: (c) => c.kvPath,
    meaning:
      "KV file for CHAT_STORE=kv, its folder created at start (deno task start may write only ./data); leave unset on Deno Deploy (managed database)",
  },
  REDIS_URL: { fallback: (c) => c.redisUrl, meaning: "for CHAT_STORE=redis" },
  REDIS_CLUSTER_NODES: {
    fallback: () => undefined,
    meaning:
      "with CHAT_STORE=redis: comma-separated host:port seeds of a Redis Cluster, replacing REDIS_URL",
  },
  CHAT_REDIS_WAIT_REPLICAS: {
    fallback: (c) => String(c.redisWaitReplicas),
    meaning:
      "with redis: acknowledge a message only once this many replicas have it (WAIT)",
  },
  ALLOWED_ORIGINS: {
    fallback: () => undefined,
    meaning: "extra origins allowed to open the WebSocket, comma-separated",
  },
  CHAT_RATE_LIMIT: {
    fallback: (c) => c.rateLimit ? "on" : "off",
    meaning: "on, or off for benchmarks and trusted load tests",
  },
  CHAT_MAX_MESSAGES: {
    fallback: (c) => String(c.maxMessagesPerRoom),
    meaning: "history kept per room; older messages are dropped",
  },
  CHAT_MAX_ROOMS: {
    fallback: (c) => String(c.maxRooms),
    meaning:
      "most rooms with stored messages (kv, memory); a first message in one more gets room_limit",
  },
  CHAT_BATCH_FLUSH_MS: {
    fallback: (c) => String(c.batchFlushMs),
    meaning: "how long events wait to be packed for batch clients",
  },
  CHAT_PRESENCE_TTL_MS: {
    fallback: (c) => String(c.presenceTtlMs),
    meaning: "how long a silent server's people stay listed (redis, kv)",
  },
  CHAT_FANOUT: {
    fallback: (c) => c.fanout,
    meaning:
      "with kv: broadcast (BroadcastChannel) or kv (watch the database, for hosts where a channel may not reach every instance)",
  },
  CHAT_MESSAGE_TTL_MS: {
    fallback: (c) =>
      c.messageTtlMs === undefined ? undefined : String(c.messageTtlMs),
    meaning: "with kv: messages expire after this long (never by default)",
  },
  CHAT_MAX_CONNECTIONS: {
    fallback: (c) => String(c.maxConnections),
    meaning: "most open WebSockets on this server; more get 503",
  },
  CHAT_MAX_CONNECTIONS_PER_ADDRESS: {
    fallback: (c) => String(c.maxConnectionsPerAddress),
    meaning:
      "most open WebSockets per client address (0 = no cap); more get 429",
  },
  CHAT_TRUSTED_PROXIES: {
    fallback: () => undefined,
    meaning:
      "proxy addresses whose X-Forwarded-For names the client, comma-separated",
  },
  CHAT_IDLE_TIMEOUT_S: {
    fallback: (c) => String(c.idleTimeoutSeconds),
    meaning: "seconds without a pong before a peer is closed as dead",
  },
  CHAT_MAX_BUFFERED_BYTES: {
    fallback: (c) => String(c.maxBufferedBytes),
    meaning:
      "unsent bytes on one socket before it is closed (4008) as a slow consumer",
  },
  CHAT_HEADER_TIMEOUT_MS: {
    fallback: (c) => String(c.headerTimeoutMs),
    meaning:
      "a connection that sends no complete request head in this long (new or kept alive) is closed",
  },
  CHAT_LOG_LEVEL: {
    fallback: (c) => c.logLevel,
    meaning: "debug, info, warn or error",
  },
  CHAT_DEV: {
    fallback: () => undefined,
    meaning:
      "1 (set by deno task dev): pages reload themselves after the server restarts",
  },
  CHAT_ACCOUNTS: {
    fallback: (c) => c.accounts,
    meaning:
      "optional (guests, accounts, token users), required (no guests may join) or off (guests only, no account routes)",
  },
  CHAT_ADMINS: {
    fallback: () => undefined,
    meaning: "account names that moderate every room, comma-separated",
  },
  CHAT_TOKEN_SECRET: {
    fallback: () => undefined,
    meaning: "HS256 secret (32+ characters) of embedding sites' tokens",
  },
  CHAT_TOKEN_PUBLIC_KEY: {
    fallback: () => undefined,
    meaning: "ES256/RS256 public key (JWK or PEM) of embedding sites' tokens",
  },
  CHAT_WORKERS: {
    fallback: (c) => String(c.workers),
    meaning:
      "server isolates on one port (default: the CPU count; 1 with the memory store, which one isolate holds)",
  },
  CHAT_PROCESSES: {
    fallback: (c) => String(c.processes),
    meaning:
      "server processes on one port (Linux), sharing rooms through the redis or kv store; needs --allow-run",
  },
  CHAT_PROCESS_INDEX: {
    fallback: () => undefined,
    meaning: "set by CHAT_PROCESSES for the processes it starts",
  },
  DENO_DEPLOYMENT_ID: {
    fallback: () => undefined,
    meaning: "set by Deno Deploy: the kv store opens the managed database",
  },
};

/** Every variable of {@linkcode SETTINGS} with its default and meaning. */
export function settingsHelp(): SettingHelp[] {
  const defaults = loadConfig(() => undefined);
  return SETTINGS.map((name) => ({
    name,
    fallback: DOCS[name]?.fallback(defaults) ?? "-",
    meaning: DOCS[name]?.meaning ?? "",
  }));
}

/** Reads the arguments: nothing means serve. */
export function parseCli(args: readonly string[]): CliAction {
  if (args.length === 0) return { kind: "serve" };
  if (args.length === 1) {
    if (args[0] === "--help" || args[0] === "-h") return { kind: "help" };
    if (args[0] === "--version" || args[0] === "-V") {
      return { kind: "version" };
    }
  }
  return {
    kind: "error",
    message: `unknown arguments: ${
      args.join(" ")
    } (settings come from the environment; see --help)`,
  };
}

/** The `--version` text: this server, Deno and V8. */
export function versionText(): string {
  return `chat ${VERSION} (deno ${Deno.version.deno}, v8 ${Deno.version.v8}, ${Deno.build.target})`;
}

/** The `--help` text: usage and the settings table. */
export function helpText(): string {
  const rows = settingsHelp();
  const nameWidth = Math.max(...rows.map((r) => r.name.length));
  const fallbackWidth = Math.max(...rows.map((r) => r.fallback.length));
  const table = rows.map((r) =>
    `  ${r.name.padEnd(nameWidth)}  ${
      r.fallback.padEnd(fallbackWidth)
    }  ${r.meaning}`
  );
  return [
    `chat ${VERSION}: real-time chat server (pages, islands, WebSocket, history)`,
    "",
    "Usage: chat [--help | --version]",
    "",
    "Settings come from environment variables, all optional:",
    "",
    `  ${"variable".padEnd(nameWidth)}  ${
      "default".padEnd(fallbackWidth)
    }  meaning`,
    ...table,
    "",
    "Example: PORT=8080 CHAT_KV_PATH=/var/lib/chat/chat.kv chat",
    "SIGINT or SIGTERM stops the server once accepted messages are stored.",
  ].join("\n");
}

/**
 * Handles `--help`, `--version` and bad arguments (printing and exiting);
 * returns when the server should start.
 */
export function handleCli(args: readonly string[]): void {
  const action = parseCli(args);
  switch (action.kind) {
    case "serve":
      return;
    case "help":
      console.log(helpText());
      Deno.exit(0);
      break;
    case "version":
      console.log(versionText());
      Deno.exit(0);
      break;
    case "error":
      console.error(action.message);
      Deno.exit(2);
  }
}
