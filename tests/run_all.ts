/**
 * `deno task test`: builds, runs every test, and ends with one line
 * `tests: N passed, M failed` (steps not counted) that CI reads.
 */

/**
 * Test files run at once (`DENO_JOBS` overrides): most of their time is spent
 * waiting on sockets, Chromium and child processes, so twice the cores keeps
 * the CPU busy; their waits are event-driven with generous bounds.
 */
const JOBS = Deno.env.get("DENO_JOBS") ||
  String(2 * navigator.hardwareConcurrency);

async function run(args: string[]): Promise<{ code: number; output: string }> {
  const child = new Deno.Command(Deno.execPath(), {
    args,
    env: { NO_COLOR: "1", DENO_JOBS: JOBS },
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const decoder = new TextDecoder();
  let output = "";
  for await (const chunk of child.stdout) {
    await Deno.stdout.write(chunk);
    output += decoder.decode(chunk, { stream: true });
  }
  return { code: (await child.status).code, output };
}

const build = await run(["task", "build"]);
if (build.code !== 0) {
  console.log("tests: 0 passed, 1 failed");
  Deno.exit(build.code);
}
const test = await run(["test", "-A", "--parallel", ...Deno.args]);
const summary = [...test.output.matchAll(
  /^(?:ok|FAILED) \| (\d+) passed(?: \([^)]*\))? \| (\d+) failed/gm,
)].at(-1);
const passed = Number(summary?.[1] ?? 0);
const failed = Number(summary?.[2] ?? (test.code === 0 ? 0 : 1));
console.log(`tests: ${passed} passed, ${failed} failed`);
Deno.exit(test.code !== 0 ? test.code : failed > 0 ? 1 : 0);
