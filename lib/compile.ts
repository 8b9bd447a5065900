/**
 * `deno task compile [--target <triple>]`: one executable holding the server,
 * the prebuilt islands and the static files (all reached through static
 * imports of main.ts, so nothing is read from disk at run time).
 *
 * The permissions are baked in: network, the settings of lib/config.ts as
 * environment access (kept in step with SETTINGS here rather than by hand),
 * and file access for the kv store wherever `CHAT_KV_PATH` points. No
 * subprocesses, no other environment, no prompts. Like `deno run` and
 * `deno task bundle` it does not type-check: `deno task check` does that.
 */
import { SETTINGS } from "./config.ts";

/** Targets `deno compile --target` accepts. */
export const TARGETS = [
  "x86_64-unknown-linux-gnu",
  "aarch64-unknown-linux-gnu",
  "x86_64-apple-darwin",
  "aarch64-apple-darwin",
  "x86_64-pc-windows-msvc",
  "aarch64-pc-windows-msvc",
] as const;

/** Options of {@linkcode compileArgs}. */
export interface CompileOptions {
  /** A target triple; this machine's when absent. */
  target?: string;
  /** Output path; `dist/chat`, or `dist/chat-<target>` for another target. */
  output?: string;
}

/** The `deno compile` arguments (after `compile`) for the chat executable. */
export function compileArgs(options: CompileOptions = {}): string[] {
  const target = options.target;
  const output = options.output ??
    (target && target !== Deno.build.target
      ? `dist/chat-${target}`
      : "dist/chat");
  return [
    "--no-check",
    "--unstable-kv",
    "--unstable-net",
    "--no-prompt",
    "--allow-net",
    `--allow-env=${SETTINGS.join(",")}`,
    "--allow-read",
    "--allow-write",
    ...(target ? ["--target", target] : []),
    "--output",
    output,
    "main.ts",
  ];
}

function parse(args: string[]): CompileOptions {
  const options: CompileOptions = {};
  for (let i = 0; i < args.length; i++) {
    const [flag, inline] = args[i].split(/=(.*)/s, 2);
    const value = inline ?? args[++i];
    if (flag === "--target" && value) options.target = value;
    else if ((flag === "--output" || flag === "-o") && value) {
      options.output = value;
    } else {
      throw new Error(
        `usage: deno task compile [--target <${
          TARGETS.join("|")
        }>] [--output <path>]`,
      );
    }
  }
  if (
    options.target && !(TARGETS as readonly string[]).includes(options.target)
  ) {
    throw new Error(
      `unknown target ${options.target}; one of ${TARGETS.join(", ")}`,
    );
  }
  return options;
}

/**
 * One clear message when `deno compile` failed for want of its base runtime
 * (denort: downloaded from dl.deno.land, or taken from `DENORT_BIN`);
 * undefined for any other failure.
 */
export function explainCompileFailure(
  stderr: string,
  options: { target?: string } = {},
): string | undefined {
  const archive = `denort-${options.target ?? Deno.build.target}.zip`;
  const missing = /Could not find denort at '([^']*)'/.exec(stderr);
  if (missing) {
    return `deno compile: DENORT_BIN points at ${
      missing[1]
    }, which is not a file. ` +
      `Set DENORT_BIN to the denort binary unzipped from ${archive} ` +
      `(https://dl.deno.land/release/v${Deno.version.deno}/${archive}).`;
  }
  if (!/Setting up base binary|denort/i.test(stderr)) return undefined;
  const causes = stderr.split("Caused by:")[1]?.split("Stack backtrace")[0];
  const cause = [...(causes ?? "").matchAll(/^\s+\d+: (.+)$/gm)].at(-1)?.[1]
    .trim();
  return `deno compile could not fetch its base runtime ${archive} ` +
    `from dl.deno.land${cause ? ` (${cause})` : ""}. ` +
    `Offline, get https://dl.deno.land/release/v${Deno.version.deno}/${archive} ` +
    "on a machine that can, unzip it, and run " +
    "`DENORT_BIN=/path/to/denort deno task compile`.";
}

if (import.meta.main) {
  let options: CompileOptions;
  try {
    options = parse(Deno.args);
  } catch (error) {
    console.error((error as Error).message);
    Deno.exit(2);
  }
  const { code, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["compile", ...compileArgs(options)],
    cwd: new URL("../", import.meta.url),
    stdin: "null",
    stdout: "inherit",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(stderr);
  const explained = code === 0
    ? undefined
    : explainCompileFailure(text, options);
  if (explained) console.error(explained);
  else await Deno.stderr.write(stderr);
  Deno.exit(code);
}
