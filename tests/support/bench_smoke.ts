/**
 * Runs `bench/main.ts --smoke` for some of its scenarios. The smoke is split
 * over several test files (tests/bench_smoke_*_test.ts) so the pieces run in
 * parallel; {@linkcode SMOKE_PIECES} names them and a test checks that
 * together they cover every scenario.
 */
import assert from "node:assert/strict";
import type { BenchResults } from "../../bench/report.ts";

const ROOT = new URL("../../", import.meta.url);

/** The scenarios of each bench smoke test file, by the file's middle name. */
export const SMOKE_PIECES = {
  fanout: ["fanout", "batch"],
  rooms: ["rooms", "idle"],
  durable: ["storm", "durable"],
  scale: ["startup", "pages", "scale"],
  search: ["search"],
} as const;

/** What one smoke run printed and wrote. */
export interface SmokeRun {
  /** Its stdout: the tables. */
  text: string;
  results: BenchResults;
}

/** Runs the smoke of `piece`'s scenarios and checks it exited 0 and left the targets unjudged. */
export async function benchSmoke(
  piece: keyof typeof SMOKE_PIECES,
): Promise<SmokeRun> {
  const dir = await Deno.makeTempDir({ prefix: `bench-smoke-${piece}-` });
  const out = `${dir}/results.json`;
  try {
    const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        "bench/main.ts",
        "--smoke",
        `--scenarios=${SMOKE_PIECES[piece].join(",")}`,
        `--out=${out}`,
      ],
      cwd: ROOT,
      env: { NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(stdout);
    assert.equal(code, 0, new TextDecoder().decode(stderr).slice(-3000));
    assert.match(text, /targets \(issue 7\): judged only in a full run/);
    assert.doesNotMatch(text, /\bnot met\b|\bMET\b/);
    const results = JSON.parse(await Deno.readTextFile(out)) as BenchResults;
    assert.equal(results.smoke, true);
    assert.equal(results.targets.length, 8);
    return { text, results };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}
