/// <reference lib="deno.worker" />
/** The worker side of lib/scale/isolates.ts: one whole server in this isolate, on the shared port. */
import { flushLogs, jsonLogger } from "../log.ts";
import { type ChatServer, serveChat } from "../server.ts";
import { startFailure } from "../start_error.ts";
import type { FromIsolate, ToIsolate } from "./isolates.ts";

const WORKER_PREFIX = "chat-isolate ";

/** True inside a server isolate started by lib/scale/isolates.ts. */
export function isServerIsolate(): boolean {
  return "WorkerGlobalScope" in globalThis &&
    (globalThis as { name?: string }).name?.startsWith(WORKER_PREFIX) === true;
}

/** Serves the chat in this worker once the main isolate says how; drains when told to stop. */
export function runIsolate(): void {
  let server: ChatServer | undefined;
  const reply = (message: FromIsolate) => self.postMessage(message);
  self.onmessage = async (event: MessageEvent<ToIsolate>) => {
    const message = event.data;
    if (message.type === "start") {
      const { config, id, connections } = message;
      const log = jsonLogger({ level: config.logLevel });
      try {
        server = await serveChat(config, {
          log,
          isolate: { id, connections },
        });
        reply({ type: "ready", port: server.port });
      } catch (error) {
        const { setting, reason } = startFailure(error, config);
        reply({ type: "failed", setting, reason });
      }
    } else if (message.type === "stop") {
      await server?.shutdown(message.reason);
      await flushLogs();
      reply({ type: "stopped" });
    }
  };
}
