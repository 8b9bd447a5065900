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

if (import.meta.main) {
  let options: CompileOptions;
  try {
    options = parse(Deno.args);
  } catch (error) {
    console.error((error as Error).message);
    Deno.exit(2);
  }
  const child = new Deno.Command(Deno.execPath(), {
    args: ["compile", ...compileArgs(options)],
    cwd: new URL("../", import.meta.url),
    stdin: "null",
    stdout: "inherit",
    stderr: "inherit",
  }).spawn();
  Deno.exit((await child.status).code);
}
