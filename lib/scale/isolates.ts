/**
 * Every core of one process: the server runs in `CHAT_WORKERS` Web Workers,
 * each a whole server (its own store clients, rooms and sockets) listening on
 * the same port with `SO_REUSEPORT`, so the kernel spreads connections over
 * them. Rooms meet through the store's fan-out (BroadcastChannel with kv,
 * pub/sub with redis) and presence (kv or redis), as separate servers do.
 * The main isolate only starts them, counts their sockets against one cap
 * (they share the process's descriptors) and drains them all at shutdown.
 */
import type { Config } from "../config.ts";
import type { Logger } from "../log.ts";
import { StartError } from "../start_error.ts";

/** Wait before an isolate that died is started again. */
export const ISOLATE_RESTART_MS = 1_000;

/** Several isolates serving one port, seen from the main isolate. */
export interface IsolateGroup {
  /** The port they listen on. */
  port: number;
  /** How many run. */
  workers: number;
  /** Drains every isolate (each as a lone server would) and stops it. */
  shutdown(reason: string): Promise<void>;
}

/** What the main isolate tells a worker (lib/scale/isolate.ts). */
export type ToIsolate =
  | {
    type: "start";
    config: Config;
    id: string;
    connections: Int32Array;
  }
  | { type: "stop"; reason: string };

/** What a worker answers. */
export type FromIsolate =
  | { type: "ready"; port: number }
  | { type: "failed"; setting?: string; reason: string }
  | { type: "stopped" };

/**
 * True when listeners may share a port: Linux (`SO_REUSEPORT` spreads
 * connections) and `--unstable-net` (without it `reusePort` ends the process,
 * so the flag is read from an API it brings).
 */
export function canSharePort(): boolean {
  return Deno.build.os === "linux" &&
    typeof (Deno as { listenDatagram?: unknown }).listenDatagram ===
      "function";
}

/** Throws `AddrInUse` when another program holds `port`, which `SO_REUSEPORT` would otherwise quietly share. */
export function assertPortFree(options: { hostname: string; port: number }) {
  if (options.port === 0) return;
  Deno.listen({ hostname: options.hostname, port: options.port }).close();
}

interface Running {
  worker: Worker;
  stopped?: Promise<void>;
}

/**
 * Starts `config.workers` server isolates of `entry` (a module that runs
 * lib/scale/isolate.ts in a worker); resolves once the first listens (the
 * others follow, and log `isolates` when all do), so a signal meanwhile
 * finds a server to drain.
 */
export async function startIsolates(
  config: Config,
  options: {
    log: Logger;
    entry: string | URL;
    /** Index of this process among several on the port (which then is theirs too). */
    process?: number;
  },
): Promise<IsolateGroup> {
  const { log } = options;
  if (options.process === undefined) assertPortFree(config);
  const connections = new Int32Array(new SharedArrayBuffer(4));
  const running: (Running | undefined)[] = [];
  let stopping = false;
  let port = config.port;

  const start = (index: number): Promise<number> => {
    const id = `p${options.process ?? 0}-w${index}`;
    const worker = new Worker(options.entry, {
      type: "module",
      name: `chat-isolate ${id}`,
    });
    const slot: Running = { worker };
    running[index] = slot;
    return new Promise<number>((resolve, reject) => {
      let ready = false;
      worker.onmessage = (event: MessageEvent<FromIsolate>) => {
        const message = event.data;
        if (message.type === "ready") {
          ready = true;
          resolve(message.port);
        } else if (message.type === "failed") {
          reject(
            message.setting
              ? new StartError(message.setting, message.reason)
              : new Error(message.reason),
          );
        }
      };
      worker.onerror = (event) => {
        event.preventDefault();
        worker.terminate();
        if (!ready) {
          reject(new Error(event.message));
          return;
        }
        if (stopping || running[index] !== slot) return;
        log("error", "isolate_failed", { isolate: id, error: event.message });
        running[index] = undefined;
        setTimeout(() => {
          if (stopping) return;
          start(index).then(
            () => log("info", "isolate_restarted", { isolate: id }),
            (error) =>
              log("error", "isolate_failed", {
                isolate: id,
                error: String(error),
              }),
          );
        }, ISOLATE_RESTART_MS);
      };
      const message: ToIsolate = {
        type: "start",
        config: { ...config, port },
        id,
        connections,
      };
      worker.postMessage(message);
    });
  };

  const stop = (slot: Running, reason: string): Promise<void> =>
    slot.stopped ??= new Promise<void>((resolve) => {
      slot.worker.onmessage = (event: MessageEvent<FromIsolate>) => {
        if (event.data.type === "stopped") resolve();
      };
      slot.worker.onerror = (event) => {
        event.preventDefault();
        resolve();
      };
      const message: ToIsolate = { type: "stop", reason };
      slot.worker.postMessage(message);
    }).finally(() => slot.worker.terminate());

  let others: Promise<unknown> = Promise.resolve();
  const shutdown = async (reason: string) => {
    stopping = true;
    await others;
    await Promise.all(
      running.filter((slot) => slot !== undefined).map((slot) =>
        stop(slot, reason)
      ),
    );
  };

  try {
    port = await start(0);
  } catch (error) {
    await shutdown("start failed");
    throw error;
  }
  others = Promise.allSettled(
    Array.from(
      { length: config.workers - 1 },
      (_, i) =>
        start(i + 1).catch((error) => {
          log("error", "isolate_failed", {
            isolate: i + 1,
            error: String(error),
          });
          throw error;
        }),
    ),
  ).then((results) =>
    log("info", "isolates", {
      workers: results.filter((r) => r.status === "fulfilled").length + 1,
      port,
    })
  );
  return { port, workers: config.workers, shutdown };
}
