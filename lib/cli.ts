/**
 * Command line of the server: `--help` and `--version`. Everything else is
 * configured through the environment (lib/config.ts), so that `deno run
 * main.ts`, `deno run chat.js`, the compiled executable and Deno Deploy all
 * read the same settings.
 */
import { SCHEMA } from "./config.ts";
import type { Setting } from "./settings.ts";

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

/** Every variable of the schema with its default and meaning, as plain text. */
export function settingsHelp(): SettingHelp[] {
  const plain = (markdown: string) => markdown.replaceAll("`", "");
  return SCHEMA.map((setting: Setting) => ({
    name: setting.name,
    fallback: setting.type.fallback === "none"
      ? "-"
      : plain(setting.type.fallback),
    meaning: `${plain(setting.meaning)} [${plain(setting.type.values)}]`,
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
