/**
 * Past one process: `CHAT_PROCESSES=N` starts N copies of the server on one
 * port (`SO_REUSEPORT`, Linux), each with its own descriptor limit, sharing
 * rooms through Redis as separate machines do. This process only
 * supervises: it restarts a copy that dies and passes SIGTERM on, so every
 * copy drains.
 */
import { type Config, SETTINGS } from "../config.ts";
import type { Logger } from "../log.ts";
import { StartError } from "../start_error.ts";
import { assertPortFree } from "./isolates.ts";

/** Wait before a server process that died is started again. */
export const PROCESS_RESTART_MS = 1_000;
/** Longest wait for the server processes to drain at shutdown before they are killed. */
export const PROCESS_STOP_MS = 15_000;

/** Server processes on one port, seen from their supervisor. */
export interface ProcessGroup {
  port: number;
  /** Process ids of the running servers. */
  pids(): number[];
  /** SIGTERM to every server, then waits until each has drained and exited. */
  shutdown(reason: string): Promise<void>;
}

function granted(descriptor: Deno.PermissionDescriptor): boolean {
  return Deno.permissions.querySync(descriptor).state === "granted";
}

/**
 * The permissions this process holds, as `deno run` flags for its copies
 * (never `--allow-run`: a copy starts nothing).
 */
export function permissionFlags(config: Config): string[] {
  const flags = ["--no-prompt", "--unstable-kv", "--unstable-net"];
  for (const name of ["net", "read", "sys", "ffi"] as const) {
    if (granted({ name })) flags.push(`--allow-${name}`);
  }
  if (granted({ name: "write" })) flags.push("--allow-write");
  else if (config.kvPath) {
    const folder = config.kvPath.replace(/[^/]*$/, "") || ".";
    if (granted({ name: "write", path: folder })) {
      flags.push(`--allow-write=${folder}`);
    }
  }
  if (granted({ name: "env" })) flags.push("--allow-env");
  else {
    const names = SETTINGS.filter((variable) =>
      granted({ name: "env", variable })
    );
    if (names.length > 0) flags.push(`--allow-env=${names.join(",")}`);
  }
  return flags;
}

/** The command that starts one more copy of the server at `entry`. */
export function copyCommand(
  entry: string | URL,
  options: { config: Config },
): string[] {
  const url = new URL(entry);
  if (url.protocol !== "file:") {
    throw new Error(`CHAT_PROCESSES needs a local entry module, got ${url}`);
  }
  if (url.pathname.includes("/deno-compile-")) return [Deno.execPath()];
  return [
    Deno.execPath(),
    "run",
    ...permissionFlags(options.config),
    url.pathname,
  ];
}

function freePort(hostname: string): number {
  const listener = Deno.listen({ hostname, port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

/** Starts `config.processes` copies of `entry` on one port and keeps them running. */
export function startProcesses(
  config: Config,
  options: { log: Logger; entry: string | URL },
): Promise<ProcessGroup> {
  const { log } = options;
  if (config.store !== "redis") {
    throw new StartError(
      "CHAT_STORE",
      `CHAT_STORE ${config.store}: CHAT_PROCESSES needs CHAT_STORE=redis, the one store whose live events reach other processes`,
    );
  }
  if (!granted({ name: "run", command: Deno.execPath() })) {
    throw new Error(
      `CHAT_PROCESSES needs --allow-run=${Deno.execPath()} to start the server processes`,
    );
  }
  assertPortFree(config);
  const port = config.port || freePort(config.hostname);
  const [program, ...args] = copyCommand(options.entry, { config });
  const children: (Deno.ChildProcess | undefined)[] = [];
  let stopping = false;

  const spawn = (index: number) => {
    const child = new Deno.Command(program, {
      args,
      env: {
        PORT: String(port),
        CHAT_PROCESSES: "1",
        CHAT_PROCESS_INDEX: String(index),
      },
      stdin: "null",
      stdout: "inherit",
      stderr: "inherit",
    }).spawn();
    children[index] = child;
    child.status.then((status) => {
      if (stopping || children[index] !== child) return;
      children[index] = undefined;
      log("error", "process_exited", {
        process: index,
        code: status.code,
        signal: status.signal,
      });
      setTimeout(() => {
        if (!stopping) spawn(index);
      }, PROCESS_RESTART_MS);
    });
  };

  for (let index = 0; index < config.processes; index++) spawn(index);
  log("info", "processes", { processes: config.processes, port });

  return Promise.resolve({
    port,
    pids: () =>
      children.filter((c) => c !== undefined).map((child) => child.pid),
    async shutdown(reason: string) {
      stopping = true;
      log("info", "shutdown", { reason, processes: children.length });
      await Promise.all(
        children.filter((c) => c !== undefined).map(async (child) => {
          try {
            child.kill("SIGTERM");
          } catch {
            // already gone
          }
          const timer = setTimeout(() => {
            try {
              child.kill("SIGKILL");
            } catch {
              // already gone
            }
          }, PROCESS_STOP_MS);
          await child.status;
          clearTimeout(timer);
        }),
      );
    },
  });
}
