/**
 * Starts the real app inside the test's own process, through the same
 * `serveScaled` that main.ts calls, on port 0 (read back from the listener).
 * For end-to-end tests where a separate process is not the point: it saves a
 * Deno start per server and lets Deno's sanitizers see what the server leaves
 * open. Tests of signals, exit codes, start-up errors, descriptor limits,
 * isolates, processes and compiled programs keep `startServer`.
 */
import { loadConfig, readEnv } from "../../lib/config.ts";
import type { Level, Logger } from "../../lib/log.ts";
import { serveScaled } from "../../lib/scale/serve_scaled.ts";
import { until } from "./hostile.ts";
import { type RunningServer, START_TIMEOUT_MS } from "./server.ts";

const MAIN = new URL("../../main.ts", import.meta.url);
const RANK: Record<Level, number> = { debug: 0, info: 1, warn: 2, error: 3 };

/** An in-process server; `pid` is the test's own and `stop` drains it as SIGTERM would. */
export type RunningApp = RunningServer;

/**
 * Starts the app with `env` as its settings (CHAT_STORE=memory and one
 * isolate unless set; anything unset is read from the real environment, as a
 * child process would) and resolves once `/healthz` answers 200. Its JSON
 * log lines go to `logs`, not to the console.
 */
export async function startApp(
  options: {
    env?: Record<string, string>;
    /** A port to bind again (a restart on the same address); port 0 when absent. */
    port?: number;
  } = {},
): Promise<RunningApp> {
  const settings: Record<string, string> = {
    CHAT_STORE: "memory",
    CHAT_WORKERS: "1",
    HOSTNAME: "127.0.0.1",
    ...options.env,
    PORT: String(options.port ?? 0),
  };
  const env = (name: string) =>
    name in settings ? settings[name] : readEnv(name);
  const config = loadConfig(env);
  const logs: string[] = [];
  const least = RANK[config.logLevel];
  const log: Logger = (level, event, fields) => {
    if (RANK[level] < least) return;
    logs.push(
      JSON.stringify({
        time: new Date().toISOString(),
        level,
        event,
        ...fields,
      }),
    );
  };
  const server = await serveScaled(config, { log, entry: MAIN, env });
  const url = `http://127.0.0.1:${server.port}`;
  try {
    // As with startServer: a backend may still be connecting once it listens.
    await until(async () => {
      const res = await fetch(`${url}/healthz`);
      await res.body?.cancel();
      return res.ok;
    }, { what: "/healthz answering 200", timeoutMs: START_TIMEOUT_MS });
  } catch (error) {
    await server.shutdown("start failed");
    throw new Error(`${error}:\n${logs.join("\n")}`);
  }
  let stopped: Promise<number> | undefined;
  return {
    url,
    port: server.port,
    pid: Deno.pid,
    logs,
    stop(signal: Deno.Signal = "SIGTERM") {
      stopped ??= server.shutdown(signal).then(() => 0);
      return stopped;
    },
  };
}

/** Runs `body` against an in-process app started with `env`, stopping it afterwards whatever happens. */
export async function withApp(
  env: Record<string, string>,
  body: (server: RunningApp) => Promise<void>,
): Promise<void> {
  const server = await startApp({ env });
  try {
    await body(server);
  } finally {
    await server.stop();
  }
}
