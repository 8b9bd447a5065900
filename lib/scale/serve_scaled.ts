/** Picks the shape of the server: one isolate, several isolates, or several processes on one port. */
import { type Config, readEnv } from "../config.ts";
import { flushLogs, type Logger } from "../log.ts";
import { serveChat } from "../server.ts";
import { canSharePort, startIsolates } from "./isolates.ts";
import { startProcesses } from "./processes.ts";

/** A running server of any shape. */
export interface ScaledServer {
  port: number;
  /** Drains every isolate and process, then resolves. */
  shutdown(reason: string): Promise<void>;
}

/** The index `CHAT_PROCESS_INDEX` gives a process started by another, or 0. */
function processIndex(
  env: (name: string) => string | undefined,
): number | undefined {
  const value = env("CHAT_PROCESS_INDEX");
  const index = Number(value);
  return value && Number.isInteger(index) && index >= 0 ? index : undefined;
}

/** True when a worker may load `entry` (a local module needs read permission). */
function mayLoad(entry: string | URL): boolean {
  const url = new URL(entry);
  if (url.protocol !== "file:") return true;
  return Deno.permissions.querySync({ name: "read", path: url }).state ===
    "granted";
}

/**
 * Serves as `config` asks: `processes` > 1 starts that many copies of `entry`
 * and supervises them; `workers` > 1 starts that many isolates; otherwise one
 * isolate serves. The memory store lives in one isolate, so it keeps to one,
 * as it does when ports cannot be shared or the entry cannot be loaded again
 * (said in the log: at info when `CHAT_WORKERS` was set, else at debug).
 */
export async function serveScaled(
  config: Config,
  options: {
    log: Logger;
    entry: string | URL;
    env?: (name: string) => string | undefined;
  },
): Promise<ScaledServer> {
  const { log, entry } = options;
  const env = options.env ?? readEnv;
  const child = processIndex(env);
  const supervisor = Deno.ppid;
  const asked = env("CHAT_WORKERS") ? "info" : "debug";
  if (config.processes > 1) {
    return await startProcesses(config, { log, entry });
  }
  let workers = config.workers;
  if (workers > 1 && config.store === "memory") {
    log(asked, "one_isolate", {
      workers,
      reason:
        "the memory store lives in one isolate; use kv or redis to serve from several",
    });
    workers = 1;
  }
  if ((workers > 1 || child !== undefined) && !canSharePort()) {
    if (child !== undefined) {
      throw new Error(
        "CHAT_PROCESSES needs --unstable-net (deno.json) and SO_REUSEPORT (Linux)",
      );
    }
    log(asked, "one_isolate", {
      workers,
      reason:
        "sharing a port needs --unstable-net (deno.json) and SO_REUSEPORT (Linux)",
    });
    workers = 1;
  }
  if (workers > 1 && !mayLoad(entry)) {
    log(asked, "one_isolate", {
      workers,
      reason: "isolates load the entry module, which needs --allow-read for it",
    });
    workers = 1;
  }
  if (workers > 1) {
    const group = await startIsolates({ ...config, workers }, {
      log,
      entry,
      process: child,
    });
    if (child !== undefined) followSupervisor(group, { log, supervisor });
    return group;
  }
  if (child === undefined) return await serveChat(config, { log });
  const server = await serveChat(config, {
    log,
    isolate: { id: `p${child}-w0`, connections: new Int32Array(1) },
  });
  followSupervisor(server, { log, supervisor });
  return server;
}

/** How often a server process started by CHAT_PROCESSES looks whether its supervisor is still there. */
export const SUPERVISOR_CHECK_MS = 1_000;

/** Drains and exits once the supervisor is gone (killed outright), so no copy outlives it. */
function followSupervisor(
  server: ScaledServer,
  options: { log: Logger; supervisor: number },
): void {
  const { log, supervisor } = options;
  const timer = setInterval(async () => {
    if (Deno.ppid === supervisor) return;
    clearInterval(timer);
    log("error", "supervisor_gone", { supervisor });
    await server.shutdown("supervisor gone");
    await flushLogs();
    Deno.exit(0);
  }, SUPERVISOR_CHECK_MS);
  Deno.unrefTimer(timer);
}
