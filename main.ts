/** Production entry: settings → store → app → Deno.serve, with an orderly shutdown. */
import { handleCli } from "./lib/cli.ts";
import { loadConfig } from "./lib/config.ts";
import { errorFields, flushLogs, jsonLogger, logUncaught } from "./lib/log.ts";
import { isServerIsolate, runIsolate } from "./lib/scale/isolate.ts";
import { serveScaled } from "./lib/scale/serve_scaled.ts";
import { startFailure } from "./lib/start_error.ts";

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    jsonLogger()("error", "bad_settings", errorFields(error));
    Deno.exit(2);
  }
  const log = jsonLogger({ level: config.logLevel });
  logUncaught(log);
  // Listening before the server is up: isolates that start later still drain.
  const serving = serveScaled(config, { log, entry: import.meta.url });
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    try {
      Deno.addSignalListener(signal, async () => {
        await (await serving).shutdown(signal);
        await flushLogs();
        Deno.exit(0);
      });
    } catch {
      // signals are not available on every platform (Deno Deploy)
    }
  }
  try {
    await serving;
  } catch (error) {
    log("error", "start_failed", startFailure(error, config));
    await flushLogs();
    Deno.exit(1);
  }
}

if (import.meta.main && isServerIsolate()) {
  runIsolate();
} else if (import.meta.main) {
  handleCli(Deno.args);
  await main();
}
