/** Production entry: settings → store → app → Deno.serve, with an orderly shutdown. */
import { ChatService } from "./lib/chat/service.ts";
import { handleCli } from "./lib/cli.ts";
import { loadConfig } from "./lib/config.ts";
import { createApp } from "./lib/framework/app.ts";
import { errorFields, jsonLogger } from "./lib/log.ts";
import { openBackend } from "./lib/store/open_store.ts";
import manifest from "./manifest.gen.ts";
import build from "./_build/assets.gen.ts";

/** Longest wait for open connections to finish at shutdown. */
const SHUTDOWN_GRACE_MS = 5_000;

async function main(): Promise<void> {
  const log = jsonLogger();
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    log("error", "bad_settings", errorFields(error));
    Deno.exit(2);
  }
  const { store, fanout, presence } = await openBackend(config, { log });
  const chat = new ChatService({
    store,
    fanout,
    presence,
    log,
    allowedOrigins: config.allowedOrigins,
    rateLimit: config.rateLimit,
    batchFlushMs: config.batchFlushMs,
  });
  const app = createApp({
    manifest,
    build,
    state: chat.state,
    logger: ({ msg, method, path, error, stack }) =>
      log("error", msg, { method, path, error, stack }),
  });
  const server = Deno.serve({
    port: config.port,
    hostname: config.hostname,
    onListen({ hostname, port }) {
      log("info", "start", { hostname, port, store: config.store });
    },
  }, app);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log("info", "shutdown", { signal, connections: chat.connections });
    const closed = server.shutdown();
    await chat.shutdown();
    await Promise.race([
      closed,
      new Promise((r) => setTimeout(r, SHUTDOWN_GRACE_MS)),
    ]);
    await store.close();
    log("info", "stopped", {});
    Deno.exit(0);
  };
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    try {
      Deno.addSignalListener(signal, () => stop(signal));
    } catch {
      // signals are not available on every platform (Deno Deploy)
    }
  }
}

if (import.meta.main) {
  handleCli(Deno.args);
  await main();
}
