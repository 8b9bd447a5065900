/** Starts the servers under test: the project's main.ts (memory or kv store) and the reference server. */
import { type Placement, rssKib, tail, track, wrap } from "./process.ts";

const ROOT = new URL("../", import.meta.url);

/** Which server a figure belongs to. */
export type Target = "reference" | "memory" | "kv";

/** Every target, in table order. */
export const TARGETS: readonly Target[] = ["reference", "memory", "kv"];

/** A server running as a child process. */
export interface BenchServer {
  target: Target;
  /** `ws://127.0.0.1:PORT` */
  url: string;
  pid: number;
  /** The server's processes: `pid` and, with CHAT_PROCESSES, the ones it started. */
  pids(): number[];
  /** Resident memory now, in KiB (of every process of {@linkcode pids}). */
  rss(): number;
  /** Stops it (SIGTERM, then SIGKILL after a grace period) and removes its files. */
  stop(): Promise<void>;
  /** The last lines it wrote to stderr. */
  errors: string[];
}

/** Options of {@linkcode startServer}. */
export interface ServerOptions {
  placement: Placement;
  /** `CHAT_BATCH_FLUSH_MS` of the project server. */
  batchFlushMs?: number;
  /** Writes a V8 CPU profile into this folder when the server exits. */
  cpuProfileDir?: string;
  /** More environment for the project server (it wins over the defaults). */
  env?: Record<string, string>;
  /** Isolates (`x-chat-isolate`) that must answer before the server counts as started. */
  isolates?: number;
  /** False: not pinned even when the placement pins servers. */
  pin?: boolean;
  /** Runs the server at this `nice` (lower priority than the load clients). */
  nice?: number;
  /** More `deno run` flags (e.g. `--v8-flags=--expose-gc`, `--preload=…`). */
  denoFlags?: string[];
}

/** The process `pid` and every process below it, from /proc. */
export function processTree(pid: number): number[] {
  const out = [pid];
  for (let i = 0; i < out.length; i++) {
    try {
      const children = Deno.readTextFileSync(
        `/proc/${out[i]}/task/${out[i]}/children`,
      ).trim();
      if (children) out.push(...children.split(/\s+/).map(Number));
    } catch {
      // gone
    }
  }
  return out;
}

async function waitIsolates(url: string, isolates: number): Promise<void> {
  const seen = new Set<string>();
  const deadline = Date.now() + 60_000;
  while (seen.size < isolates) {
    if (Date.now() > deadline) {
      throw new Error(`only ${seen.size} of ${isolates} isolates answered`);
    }
    const res = await fetch(`${url}/healthz`, {
      headers: { connection: "close" },
    }).catch(() => undefined);
    await res?.body?.cancel();
    const id = res?.headers.get("x-chat-isolate");
    if (id) seen.add(id);
    else await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

async function waitHealthy(
  url: string,
  exited: () => boolean,
  errors: string[],
): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (true) {
    if (exited()) {
      throw new Error(`server exited during start:\n${errors.join("\n")}`);
    }
    try {
      const res = await fetch(`${url}/healthz`);
      await res.body?.cancel();
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`server did not start: ${url}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Starts `target` on a free loopback port, pinned as `options.placement` says, and waits until it answers. */
export async function startServer(
  target: Target,
  options: ServerOptions,
): Promise<BenchServer> {
  const port = freePort();
  const profile = options.cpuProfileDir
    ? ["--cpu-prof", `--cpu-prof-dir=${options.cpuProfileDir}`]
    : [];
  const script = target === "reference"
    ? "bench/reference_server.ts"
    : "main.ts";
  const dataDir = target === "kv"
    ? await Deno.makeTempDir({ prefix: "chat-bench-kv-" })
    : undefined;
  const [program, ...args] = wrap(
    [
      Deno.execPath(),
      "run",
      "-A",
      ...profile,
      ...(options.denoFlags ?? []),
      script,
    ],
    {
      cpus: options.pin === false ? undefined : options.placement.serverCpus,
      nofile: options.placement.nofile,
      nice: options.nice,
    },
  );
  const child = new Deno.Command(program, {
    args,
    cwd: ROOT,
    env: {
      NO_COLOR: "1",
      HOSTNAME: "127.0.0.1",
      PORT: String(port),
      CHAT_STORE: target === "kv" ? "kv" : "memory",
      CHAT_RATE_LIMIT: "off",
      CHAT_WORKERS: "1",
      ...(dataDir ? { CHAT_KV_PATH: `${dataDir}/chat.kv` } : {}),
      ...(options.batchFlushMs !== undefined
        ? { CHAT_BATCH_FLUSH_MS: String(options.batchFlushMs) }
        : {}),
      ...serverV8Flags(),
      ...options.env,
    },
    stdin: "null",
    stdout: Deno.env.get("BENCH_STDOUT") ? "inherit" : "null",
    stderr: "piped",
  }).spawn();
  track(child);
  const errors: string[] = [];
  const drained = tail(child.stderr, errors);
  let exited = false;
  child.status.then(() => exited = true);
  const http = `http://127.0.0.1:${port}`;
  try {
    await waitHealthy(http, () => exited, errors);
    if ((options.isolates ?? 1) > 1) {
      await waitIsolates(http, options.isolates!);
    }
  } catch (error) {
    if (!exited) child.kill("SIGKILL");
    await child.status;
    throw error;
  }
  return {
    target,
    url: `ws://127.0.0.1:${port}`,
    pid: child.pid,
    pids: () => processTree(child.pid),
    rss: () =>
      processTree(child.pid).reduce((sum, pid) => sum + rssKib(pid), 0),
    errors,
    async stop() {
      if (!exited) child.kill("SIGTERM");
      const timer = setTimeout(() => {
        if (!exited) child.kill("SIGKILL");
      }, 8_000);
      await child.status;
      clearTimeout(timer);
      await drained;
      if (dataDir) await Deno.remove(dataDir, { recursive: true });
    },
  };
}

/** `DENO_V8_FLAGS` for the servers alone, from `BENCH_SERVER_V8_FLAGS` (the load clients' stdout is their protocol, so `--trace-gc` must not reach them). */
function serverV8Flags(): { DENO_V8_FLAGS?: string } {
  const flags = Deno.env.get("BENCH_SERVER_V8_FLAGS");
  return flags ? { DENO_V8_FLAGS: flags } : {};
}
