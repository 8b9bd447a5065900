/**
 * Cold start (exec to the first `200` from `/healthz`) and resident memory at
 * rest of the server in each shape it ships in: main.ts as `deno task start`
 * runs it, the one-file bundle (dist/chat.js), the compiled executable where
 * a base runtime can be had, and a bare `Deno.serve` as the runtime's floor.
 *
 * `deno run -A bench/startup.ts [--runs N] [--rest-ms N] [--json]`, or import
 * {@linkcode measureStartup} and {@linkcode formatStartup}.
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { denortStatus } from "../tests/support/denort.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const START_TIMEOUT_MS = 20_000;
const POLL_MS = 1;
/** `deno task start` may write under ./data only. */
const TASK_START_KV = "./data/bench_startup.kv";

/** The aims of the issue: start-up and memory at rest. */
export const AIM = { coldStartMs: 150, rssMiB: 60 } as const;

/** A shape the server ships in. */
export type StartupTarget =
  | "floor"
  | "main"
  | "task_start"
  | "bundle"
  | "executable";

/** Options of {@linkcode measureStartup}. */
export interface StartupOptions {
  /** Starts per target (the first is reported apart: caches are cold). Default 5. */
  runs?: number;
  /** How long the server idles before its memory is read. Default 1000 ms. */
  restMs?: number;
  /** Which shapes; all by default. */
  targets?: StartupTarget[];
  /** Use dist/chat.js and dist/chat as they are instead of building them. */
  noBuild?: boolean;
  /** Told what is happening (stderr by default). */
  progress?: (line: string) => void;
}

/** Milliseconds from exec to the first `200` from `/healthz`. */
export interface Timing {
  /** The first start, with V8's code cache and the transpile cache possibly cold. */
  first: number;
  median: number;
  min: number;
  max: number;
}

/** The figures of one shape. */
export interface StartupFigure {
  target: StartupTarget;
  /** How it was started. */
  command: string;
  coldStartMs?: Timing;
  /** Median resident set size after `restMs` idle, in MiB (Linux only). */
  rssMiB?: number;
  /** Size of the artefact (bundle or executable), in bytes. */
  sizeBytes?: number;
  /** Why there are no figures. */
  skipped?: string;
}

/** Everything {@linkcode measureStartup} measured. */
export interface StartupReport {
  deno: string;
  platform: string;
  runs: number;
  restMs: number;
  figures: StartupFigure[];
}

interface Shape {
  command: string[];
  cwd: string;
  env: Record<string, string>;
  sizeBytes?: number;
  /** The pid to read memory from is not the spawned one (a task runner). */
  noRss?: boolean;
}

const FLOOR_SERVER = `Deno.serve({
  port: Number(Deno.env.get("PORT")),
  hostname: "127.0.0.1",
  onListen() {},
}, () => Response.json({ ok: true }));
`;

/** Starts each shape `runs` times and reads its cold start and memory. */
export async function measureStartup(
  options: StartupOptions = {},
): Promise<StartupReport> {
  const runs = Math.max(1, options.runs ?? 5);
  const restMs = options.restMs ?? 1000;
  const targets = options.targets ??
    ["floor", "main", "task_start", "bundle", "executable"];
  const progress = options.progress ?? ((line) => console.error(line));
  const tmp = await Deno.makeTempDir({ prefix: "chat_startup_" });
  const hadData = await exists(join(ROOT, "data"));
  const figures: StartupFigure[] = [];
  try {
    for (const target of targets) {
      progress(`startup: ${target}`);
      const dir = join(tmp, target);
      await Deno.mkdir(dir);
      const shape = await prepare(target, dir, options.noBuild ?? false);
      if (typeof shape === "string") {
        figures.push({ target, command: "", skipped: shape });
        continue;
      }
      const times: number[] = [];
      const rss: number[] = [];
      for (let i = 0; i < runs; i++) {
        const run = await startOnce(shape, shape.noRss ? undefined : restMs);
        times.push(run.ms);
        if (run.rssKiB !== undefined) rss.push(run.rssKiB / 1024);
      }
      const sorted = times.slice(1).sort((a, b) => a - b);
      const warm = sorted.length > 0 ? sorted : times;
      figures.push({
        target,
        command: shape.command.map((a) => a === Deno.execPath() ? "deno" : a)
          .join(" "),
        coldStartMs: {
          first: round(times[0]),
          median: round(median(warm)),
          min: round(Math.min(...warm)),
          max: round(Math.max(...warm)),
        },
        rssMiB: rss.length > 0 ? round(median(rss), 1) : undefined,
        sizeBytes: shape.sizeBytes,
      });
    }
  } finally {
    await Deno.remove(tmp, { recursive: true }).catch(() => {});
    for (const suffix of ["", "-shm", "-wal"]) {
      await Deno.remove(join(ROOT, TASK_START_KV + suffix)).catch(() => {});
    }
    if (!hadData) await Deno.remove(join(ROOT, "data")).catch(() => {});
  }
  return {
    deno: Deno.version.deno,
    platform: Deno.build.target,
    runs,
    restMs,
    figures,
  };
}

async function prepare(
  target: StartupTarget,
  dir: string,
  noBuild: boolean,
): Promise<Shape | string> {
  const deno = Deno.execPath();
  const kv = { CHAT_KV_PATH: join(dir, "data", "chat.kv") };
  switch (target) {
    case "floor": {
      const file = join(dir, "floor.ts");
      await Deno.writeTextFile(file, FLOOR_SERVER);
      return {
        command: [deno, "run", "--allow-net", "--allow-env", file],
        cwd: dir,
        env: {},
      };
    }
    case "main":
      if (!noBuild) await task("build");
      return {
        command: [
          deno,
          "run",
          "--allow-net",
          "--allow-env",
          "--allow-read",
          `--allow-write=${join(dir, "data")}`,
          "main.ts",
        ],
        cwd: ROOT,
        env: kv,
      };
    case "task_start":
      return {
        command: [deno, "task", "start"],
        cwd: ROOT,
        env: { CHAT_KV_PATH: TASK_START_KV },
        noRss: true,
      };
    case "bundle": {
      if (!noBuild) await task("bundle");
      const file = join(dir, "chat.js");
      await Deno.copyFile(join(ROOT, "dist", "chat.js"), file);
      return {
        command: [
          deno,
          "run",
          "--unstable-kv",
          "--allow-net",
          "--allow-env",
          "--allow-read=./data",
          "--allow-write=./data",
          "chat.js",
        ],
        cwd: dir,
        env: {},
        sizeBytes: (await Deno.stat(file)).size,
      };
    }
    case "executable": {
      if (!noBuild) {
        const denort = await denortStatus();
        if (!denort.ok) return denort.reason;
        await task("compile");
      }
      const name = Deno.build.os === "windows" ? "chat.exe" : "chat";
      const file = join(dir, name);
      try {
        await Deno.copyFile(join(ROOT, "dist", name), file);
      } catch (error) {
        if (error instanceof Deno.errors.NotFound) {
          return `dist/${name} is missing: run deno task compile`;
        }
        throw error;
      }
      return {
        command: [file],
        cwd: dir,
        env: {},
        sizeBytes: (await Deno.stat(file)).size,
      };
    }
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

async function task(name: string): Promise<void> {
  const { success, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["task", name],
    cwd: ROOT,
    env: { NO_COLOR: "1" },
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).output();
  if (!success) {
    throw new Error(
      `deno task ${name} failed:\n${new TextDecoder().decode(stderr)}`,
    );
  }
}

async function startOnce(
  shape: Shape,
  restMs: number | undefined,
): Promise<{ ms: number; rssKiB?: number }> {
  const port = freePort();
  const url = `http://127.0.0.1:${port}/healthz`;
  const [program, ...args] = shape.command;
  const started = performance.now();
  const child = new Deno.Command(program, {
    args,
    cwd: shape.cwd,
    env: {
      NO_COLOR: "1",
      HOSTNAME: "127.0.0.1",
      ...shape.env,
      PORT: String(port),
    },
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const errors = new Response(child.stderr).text();
  let exited = false;
  child.status.then(() => exited = true);
  try {
    while (true) {
      if (exited) {
        throw new Error(`${program} exited during start:\n${await errors}`);
      }
      if (performance.now() - started > START_TIMEOUT_MS) {
        throw new Error(`${program} did not answer /healthz`);
      }
      try {
        const res = await fetch(url);
        await res.body?.cancel();
        if (res.status === 200) break;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
    const ms = performance.now() - started;
    if (restMs === undefined) return { ms };
    await new Promise((r) => setTimeout(r, restMs));
    return { ms, rssKiB: await rssKiB(child.pid) };
  } finally {
    try {
      child.kill("SIGTERM");
    } catch {
      // already gone
    }
    await child.status;
    await errors;
  }
}

async function rssKiB(pid: number): Promise<number | undefined> {
  try {
    const status = await Deno.readTextFile(`/proc/${pid}/status`);
    const kib = status.match(/^VmRSS:\s+(\d+)\s+kB/m)?.[1];
    return kib ? Number(kib) : undefined;
  } catch {
    return undefined;
  }
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function round(value: number, digits = 0): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

const LABELS: Record<StartupTarget, string> = {
  floor: "bare Deno.serve (floor)",
  main: "main.ts (deno run, start flags)",
  task_start: "deno task start (build + run)",
  bundle: "dist/chat.js (deno run)",
  executable: "dist/chat (executable)",
};

/** A plain-text table of the figures, with the aims. */
export function formatStartup(report: StartupReport): string {
  const rows = [[
    "shape",
    "cold start ms (median, min-max; first)",
    "RSS at rest MiB",
    "size",
  ]];
  for (const f of report.figures) {
    if (f.skipped) {
      rows.push([LABELS[f.target], "skipped (below)", "", ""]);
      continue;
    }
    const t = f.coldStartMs!;
    rows.push([
      LABELS[f.target],
      `${t.median} (${t.min}-${t.max}; first ${t.first})`,
      f.rssMiB === undefined ? "-" : String(f.rssMiB),
      f.sizeBytes === undefined ? "-" : size(f.sizeBytes),
    ]);
  }
  const widths = rows[0].map((_, i) =>
    Math.max(...rows.map((r) => r[i].length))
  );
  const lines = rows.map((r) =>
    r.map((cell, i) => cell.padEnd(widths[i])).join("  ").trimEnd()
  );
  lines.splice(1, 0, widths.map((w) => "-".repeat(w)).join("  "));
  return [
    `startup: deno ${report.deno} on ${report.platform}, ${report.runs} runs, ` +
    `memory after ${report.restMs} ms idle; aim < ${AIM.coldStartMs} ms, ` +
    `< ${AIM.rssMiB} MiB`,
    ...lines,
    ...report.figures.filter((f) => f.skipped).map((f) =>
      `${LABELS[f.target]} skipped: ${f.skipped}`
    ),
  ].join("\n");
}

function size(bytes: number): string {
  return bytes < 1024 * 1024
    ? `${(bytes / 1024).toFixed(1)} KiB`
    : `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      runs: { type: "string" },
      "rest-ms": { type: "string" },
      target: { type: "string", multiple: true },
      "no-build": { type: "boolean" },
      json: { type: "boolean" },
      help: { type: "boolean" },
    },
  });
  if (values.help) {
    console.log(
      "deno run -A bench/startup.ts [--runs N] [--rest-ms N] " +
        "[--target floor|main|task_start|bundle|executable]... [--no-build] [--json]",
    );
    Deno.exit(0);
  }
  const report = await measureStartup({
    runs: values.runs ? Number(values.runs) : undefined,
    restMs: values["rest-ms"] ? Number(values["rest-ms"]) : undefined,
    targets: values.target as StartupTarget[] | undefined,
    noBuild: values["no-build"],
  });
  console.log(
    values.json ? JSON.stringify(report, null, 2) : formatStartup(report),
  );
}
