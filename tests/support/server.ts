/**
 * Starts the real server (main.ts) as a child process for end-to-end tests.
 * Without a port it binds port 0 itself and the port is read back from its
 * `start` log line, so no other process can take the port in between.
 */
import { fileURLToPath } from "node:url";
import { within } from "./within.ts";

const ROOT = new URL("../../", import.meta.url);
const MAIN = fileURLToPath(new URL("main.ts", ROOT));

/** A running server process. */
export interface RunningServer {
  /** `http://127.0.0.1:PORT` */
  url: string;
  port: number;
  /** The server's process (wrappers that `exec` keep it). */
  pid: number;
  /** Every line the server printed so far (its JSON logs). */
  logs: string[];
  /** SIGTERM, then waits for the exit; returns the exit code. */
  stop(signal?: Deno.Signal): Promise<number>;
}

/** Options of {@linkcode startServer}. */
export interface StartOptions {
  /**
   * Extra environment (CHAT_STORE, CHAT_KV_PATH, ...). Defaults to
   * CHAT_STORE=memory and CHAT_WORKERS=1: one isolate, as most tests are not
   * about workers and every extra isolate costs the shared CPU; a test about
   * workers sets CHAT_WORKERS itself.
   */
  env?: Record<string, string>;
  /** Port to listen on; when absent the server binds port 0 and reports the port. */
  port?: number;
  /** Extra `deno run` flags, replacing the default `-A`. */
  permissions?: string[];
  /** Working directory of the server; the project root by default. */
  cwd?: string | URL;
  /**
   * Program and arguments that start the server, replacing
   * `deno run <permissions> main.ts` (an executable, a bundle, a wrapper).
   */
  command?: string[];
  /** How long `/healthz` may take to answer 200 (default {@linkcode START_TIMEOUT_MS}). */
  startTimeoutMs?: number;
}

/**
 * Default wait for a server's `/healthz`: generous, since on a loaded 2-core
 * machine start-up (module loading, a first Redis connection that is retried
 * after a connect timeout) can take many seconds.
 */
export const START_TIMEOUT_MS = 60_000;

/**
 * Finds a free loopback port, for a server that must come back on the same
 * port or a program that cannot report its port: the port is free when this
 * returns, and another process could take it before the caller binds it.
 */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

/** Starts main.ts and resolves once `/healthz` answers. */
export async function startServer(
  options: StartOptions = {},
): Promise<RunningServer> {
  const quiet = ["warn", "error"].includes(options.env?.CHAT_LOG_LEVEL ?? "");
  const fixed = options.port ?? (quiet ? freePort() : undefined);
  const [program, ...args] = options.command ??
    [Deno.execPath(), "run", ...(options.permissions ?? ["-A"]), MAIN];
  const child = new Deno.Command(program, {
    args,
    cwd: options.cwd ?? ROOT,
    env: {
      NO_COLOR: "1",
      CHAT_STORE: "memory",
      CHAT_WORKERS: "1",
      HOSTNAME: "127.0.0.1",
      ...options.env,
      PORT: String(fixed ?? 0),
    },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const logs: string[] = [];
  const reported = Promise.withResolvers<number>();
  reported.promise.catch(() => {});
  const started = (line: string) => {
    if (fixed !== undefined || !line.includes('"event":"start"')) return;
    try {
      const port = JSON.parse(line).port;
      if (Number.isInteger(port) && port > 0) reported.resolve(port);
    } catch {
      // not a log line
    }
  };
  const collect = async (stream: ReadableStream<Uint8Array>) => {
    const decoder = new TextDecoder();
    let rest = "";
    for await (const bytes of stream) {
      const parts = (rest + decoder.decode(bytes, { stream: true })).split(
        "\n",
      );
      rest = parts.pop() ?? "";
      logs.push(...parts);
      parts.forEach(started);
    }
    if (rest) logs.push(rest);
  };
  const done = Promise.all([collect(child.stdout), collect(child.stderr)]);
  const deadline = Date.now() + (options.startTimeoutMs ?? START_TIMEOUT_MS);
  let exited = false;
  child.status.then(() => {
    exited = true;
    reported.reject(new Error("exited"));
  });
  let port: number;
  try {
    port = fixed ?? await within(reported.promise, {
      what: "the server's start line with its port",
      ms: options.startTimeoutMs ?? START_TIMEOUT_MS,
    });
  } catch {
    if (!exited) child.kill("SIGKILL");
    await done;
    throw new Error(`server did not report its port:\n${logs.join("\n")}`);
  }
  const url = `http://127.0.0.1:${port}`;
  while (true) {
    if (exited) {
      await done;
      throw new Error(`server exited during start:\n${logs.join("\n")}`);
    }
    try {
      const res = await fetch(`${url}/healthz`);
      await res.body?.cancel();
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      await done;
      throw new Error(`server did not start:\n${logs.join("\n")}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url,
    port,
    pid: child.pid,
    logs,
    async stop(signal: Deno.Signal = "SIGTERM") {
      if (!exited) {
        try {
          child.kill(signal);
        } catch {
          // already gone
        }
      }
      const status = await child.status;
      await done;
      return status.code;
    },
  };
}

/** Runs `body` against a server started with `env`, stopping it afterwards whatever happens. */
export async function withServer(
  env: Record<string, string>,
  body: (server: RunningServer) => Promise<void>,
): Promise<void> {
  const server = await startServer({ env });
  try {
    await body(server);
  } finally {
    await server.stop();
  }
}
