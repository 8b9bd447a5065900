/**
 * Issue 11, item 11: `deno task compile` with no network and no base runtime
 * prints one clear line that says what failed and how to use DENORT_BIN,
 * instead of Deno's DNS error and backtrace.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { TARGETS } from "../lib/compile.ts";
import { denoDir } from "./support/denort.ts";
import { offlineSupport } from "./support/offline.ts";

const ROOT = new URL("../", import.meta.url);
const COMPILE = fileURLToPath(new URL("lib/compile.ts", ROOT));
const offline = await offlineSupport();
if (!offline.ok) {
  console.error(
    `\n!!! SKIPPED: cannot cut a process off the network here (${offline.reason}); ` +
      "the offline compile test did NOT run !!!\n",
  );
}

/** A target whose base runtime is not in Deno's download cache, so compiling for it must download. */
async function uncachedTarget(): Promise<string | undefined> {
  const cache = await denoDir();
  for (const target of TARGETS) {
    const zip = join(
      cache ?? "",
      "dl",
      "release",
      `v${Deno.version.deno}`,
      `denort-${target}.zip`,
    );
    try {
      await Deno.stat(zip);
    } catch {
      return target;
    }
  }
  return undefined;
}

async function compileOffline(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; lines: string[] }> {
  const out = await new Deno.Command("unshare", {
    args: [
      "-rn",
      Deno.execPath(),
      "run",
      "--allow-read",
      "--allow-run",
      COMPILE,
      ...args,
    ],
    cwd: ROOT,
    env: { NO_COLOR: "1", ...env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout) +
    new TextDecoder().decode(out.stderr);
  return { code: out.code, lines: text.split("\n").filter(Boolean) };
}

Deno.test({
  name: "compile offline: one line about the base runtime and DENORT_BIN",
  ignore: !offline.ok,
  async fn() {
    const target = await uncachedTarget();
    assert.ok(target, "every target's base runtime is cached: nothing to test");
    const dir = await Deno.makeTempDir({ prefix: "chat_compile_offline_" });
    try {
      const { code, lines } = await compileOffline([
        "--target",
        target,
        "--output",
        join(dir, "chat"),
      ]);
      assert.notEqual(code, 0);
      assert.equal(lines.length, 1, lines.join("\n"));
      assert.match(lines[0], /could not fetch its base runtime/);
      assert.match(lines[0], new RegExp(`denort-${target}\\.zip`));
      assert.match(lines[0], /DENORT_BIN=\/path\/to\/denort deno task compile/);
      assert.doesNotMatch(lines[0], /backtrace/i);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "compile with DENORT_BIN naming no file: one line saying so",
  ignore: !offline.ok,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "chat_compile_denort_" });
    try {
      const { code, lines } = await compileOffline(
        ["--output", join(dir, "chat")],
        { DENORT_BIN: join(dir, "missing-denort") },
      );
      assert.notEqual(code, 0);
      assert.equal(lines.length, 1, lines.join("\n"));
      assert.match(lines[0], /DENORT_BIN points at .*missing-denort/);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
