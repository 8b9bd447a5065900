/**
 * Whether `deno compile` can get its base runtime (`denort`) here: from
 * `DENORT_BIN`, from Deno's download cache, or from dl.deno.land. Answers
 * within a few seconds even where the network drops packets.
 */
import { join } from "node:path";

const PROBE_TIMEOUT_MS = 3_000;

/** Where the base runtime comes from, or why there is none. */
export type DenortStatus =
  | { ok: true; source: string }
  | { ok: false; reason: string };

/** Finds the base runtime for this platform without downloading it. */
export async function denortStatus(): Promise<DenortStatus> {
  const bin = readEnv("DENORT_BIN");
  if (bin) {
    return await isFile(bin)
      ? { ok: true, source: `DENORT_BIN=${bin}` }
      : { ok: false, reason: `DENORT_BIN=${bin} is not a file` };
  }
  const archive = `denort-${Deno.build.target}.zip`;
  const release = `release/v${Deno.version.deno}/${archive}`;
  const cache = await denoDir();
  if (cache && await isFile(join(cache, "dl", release))) {
    return { ok: true, source: `cached in ${join(cache, "dl")}` };
  }
  const url = `https://dl.deno.land/${release}`;
  try {
    const res = await fetch(url, {
      method: "HEAD",
      signal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
    });
    await res.body?.cancel();
    if (res.ok) return { ok: true, source: url };
    return { ok: false, reason: `${url} answered ${res.status}` };
  } catch (error) {
    return {
      ok: false,
      reason: `no DENORT_BIN, no cached ${archive}, and ${url} is ` +
        `unreachable (${error instanceof Error ? error.message : error})`,
    };
  }
}

function readEnv(name: string): string | undefined {
  try {
    return Deno.env.get(name) || undefined;
  } catch {
    return undefined;
  }
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch {
    return false;
  }
}

/** Deno's cache directory, as `deno info` reports it. */
export async function denoDir(): Promise<string | undefined> {
  try {
    const { stdout } = await new Deno.Command(Deno.execPath(), {
      args: ["info", "--json"],
      env: { NO_COLOR: "1" },
      stdout: "piped",
      stderr: "null",
    }).output();
    return JSON.parse(new TextDecoder().decode(stdout)).denoDir;
  } catch {
    return undefined;
  }
}
