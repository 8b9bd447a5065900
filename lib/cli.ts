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

const MEANINGS: Record<string, string> = {
  PORT: "TCP port (0 picks a free one)",
  HOSTNAME: "address to listen on",
  CHAT_STORE: "kv, memory or redis",
  CHAT_KV_PATH:
    "KV file for CHAT_STORE=kv, its folder created at start; leave unset on Deno Deploy (managed database)",
  REDIS_URL: "for CHAT_STORE=redis",
  ALLOWED_ORIGINS:
    "extra origins allowed to open the WebSocket, comma-separated",
  CHAT_RATE_LIMIT: "on, or off for benchmarks and trusted load tests",
  CHAT_MAX_MESSAGES: "history kept per room; older messages are dropped",
  CHAT_BATCH_FLUSH_MS: "how long events wait to be packed for batch clients",
  CHAT_PRESENCE_TTL_MS:
    "with Redis: how long a silent server's people stay listed",
  DENO_DEPLOYMENT_ID:
    "set by Deno Deploy: the kv store opens the managed database",
};

function defaults(config: Config): Record<string, string> {
  return {
    PORT: String(config.port),
    HOSTNAME: config.hostname,
    CHAT_STORE: config.store,
    CHAT_KV_PATH: config.kvPath ?? "-",
    REDIS_URL: config.redisUrl,
    ALLOWED_ORIGINS: "-",
    CHAT_RATE_LIMIT: config.rateLimit ? "on" : "off",
    CHAT_MAX_MESSAGES: String(config.maxMessagesPerRoom),
    CHAT_BATCH_FLUSH_MS: String(config.batchFlushMs),
    CHAT_PRESENCE_TTL_MS: String(config.presenceTtlMs),
    DENO_DEPLOYMENT_ID: "-",
  };
}

/** Every variable of {@linkcode SETTINGS} with its default and meaning. */
export function settingsHelp(): SettingHelp[] {
  const fallbacks = defaults(loadConfig(() => undefined));
  return SETTINGS.map((name) => ({
    name,
    fallback: fallbacks[name] ?? "-",
    meaning: MEANINGS[name] ?? "",
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
