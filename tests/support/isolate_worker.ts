/// <reference lib="deno.worker" />
/** A server isolate in a Web Worker: starts the chat with the config it is sent. */
import { type Config, loadConfig } from "../../lib/config.ts";
import { jsonLogger } from "../../lib/log.ts";
import { type ChatServer, serveChat } from "../../lib/server.ts";

let server: ChatServer | undefined;

self.onmessage = async (event: MessageEvent) => {
  if (event.data.type === "start") {
    const config: Config = {
      ...loadConfig(() => undefined),
      hostname: "127.0.0.1",
      ...event.data.config,
    };
    server = await serveChat(config, { log: jsonLogger({ quiet: true }) });
    self.postMessage({ type: "ready", port: server.port });
  } else if (event.data.type === "stop") {
    await server?.shutdown("test");
    self.postMessage({ type: "stopped" });
  }
};
