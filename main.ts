/** Production entry: settings → store → app → Deno.serve, with an orderly shutdown. */
import { handleCli } from "./lib/cli.ts";
import { loadConfig } from "./lib/config.ts";
import { errorFields, jsonLogger } from "./lib/log.ts";
import { serveChat } from "./lib/server.ts";

async function main(): Promise<void> {
  const log = jsonLogger();
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    log("error", "bad_settings", errorFields(error));
    Deno.exit(2);
  }
  const server = await serveChat(config, { log });
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    try {
      Deno.addSignalListener(signal, async () => {
        await server.shutdown(signal);
        Deno.exit(0);
      });
    } catch {
      // signals are not available on every platform (Deno Deploy)
    }
  }
}

if (import.meta.main) {
  handleCli(Deno.args);
  await main();
}
