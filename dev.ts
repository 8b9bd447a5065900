/** Development entry (`deno task dev`): builds, runs main.ts, and rebuilds and restarts it on change. */

import { build } from "./lib/framework/build.ts";

const ROOT = new URL(".", import.meta.url);
const WATCHED = ["routes", "islands", "lib", "static"];
const IGNORED = /(?:_test\.[jt]sx?|\.gen\.ts|~|\.swp|\.tmp)$/;
const DEBOUNCE_MS = 150;

let child: Deno.ChildProcess | null = null;

function start(): void {
  child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "main.ts"],
    cwd: ROOT,
    env: { CHAT_DEV: "1" },
    stdin: "inherit",
    stdout: "inherit",
    stderr: "inherit",
  }).spawn();
}

async function stop(): Promise<void> {
  const running = child;
  child = null;
  if (!running) return;
  try {
    running.kill("SIGTERM");
  } catch {
    // already exited
  }
  const timer = setTimeout(() => {
    try {
      running.kill("SIGKILL");
    } catch {
      // already exited
    }
  }, 3000);
  await running.status;
  clearTimeout(timer);
}

async function rebuild(): Promise<void> {
  await stop();
  try {
    await build();
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    console.error("dev: build failed; waiting for the next change");
    return;
  }
  start();
}

async function watch(): Promise<void> {
  const paths: string[] = [];
  for (const dir of WATCHED) {
    const url = new URL(dir, ROOT);
    try {
      if (Deno.statSync(url).isDirectory) paths.push(url.pathname);
    } catch {
      // not there
    }
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  let queue = Promise.resolve();
  for await (const event of Deno.watchFs(paths)) {
    if (event.kind === "access" || event.paths.every((p) => IGNORED.test(p))) {
      continue;
    }
    clearTimeout(timer);
    timer = setTimeout(() => {
      console.log("dev: change detected, rebuilding");
      queue = queue.then(rebuild);
    }, DEBOUNCE_MS);
  }
}

if (import.meta.main) {
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    Deno.addSignalListener(signal, () => stop().then(() => Deno.exit(0)));
  }
  await rebuild();
  await watch();
}
