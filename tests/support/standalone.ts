/**
 * Runs the chat through a given command twice, checking that it serves the
 * whole chat, stops cleanly on SIGTERM and keeps its history across the
 * restart. Shared by the standalone-readiness, one-file and compile tests.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { exerciseChat, storedTexts } from "./chat_scenario.ts";
import { offlineRun } from "./offline.ts";
import { freePort, type RunningServer, startServer } from "./server.ts";

/** The project root, as a path. */
export const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** Options of {@linkcode chatSurvivesRestart}. */
export interface StandaloneOptions {
  /** Starts the server; gets `PORT`, `HOSTNAME` and `env` from the environment. */
  command: (port: number) => string[];
  cwd: string;
  env: Record<string, string>;
  /** Runs it with no network (tests/support/offline.ts). */
  offline?: boolean;
}

/** What the two runs printed, for a failure message. */
export interface StandaloneLogs {
  first: string[];
  second: string[];
}

async function run<T>(
  options: StandaloneOptions,
  body: (server: RunningServer) => Promise<T>,
): Promise<{ value: T; logs: string[] }> {
  const port = freePort();
  const command = options.command(port);
  const offline = options.offline
    ? await offlineRun(command, { port })
    : undefined;
  try {
    const server = await startServer({
      command: offline?.command ?? command,
      cwd: options.cwd,
      env: options.env,
      port,
    });
    let value: T;
    try {
      value = await body(server);
    } finally {
      const code = await server.stop("SIGTERM");
      assert.equal(
        code,
        0,
        `exit code after SIGTERM\n${server.logs.join("\n")}`,
      );
    }
    return { value, logs: server.logs };
  } finally {
    await offline?.close();
  }
}

/** Chats, stops with SIGTERM, starts again and finds the history. */
export async function chatSurvivesRestart(
  options: StandaloneOptions,
): Promise<StandaloneLogs> {
  const first = await run(options, (server) => exerciseChat(server.url));
  const second = await run(
    options,
    (server) => storedTexts(server.url, first.value.room),
  );
  assert.deepEqual(second.value, first.value.texts);
  return { first: first.logs, second: second.logs };
}

/** Runs `deno task <name>` in the project root; throws with its output on failure. */
export async function runTask(name: string): Promise<string> {
  const { success, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["task", name],
    cwd: ROOT,
    env: { NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  const output = decoder.decode(stdout) + decoder.decode(stderr);
  if (!success) throw new Error(`deno task ${name} failed:\n${output}`);
  return output;
}

/** Lists a directory's entry names, sorted. */
export async function entries(dir: string): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(dir)) names.push(entry.name);
  return names.sort();
}
