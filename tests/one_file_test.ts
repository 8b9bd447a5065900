/**
 * `deno task bundle` writes dist/chat.js, one file that serves the whole chat
 * from an empty directory with an empty Deno cache and no network.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { offlineSupport } from "./support/offline.ts";
import {
  chatSurvivesRestart,
  entries,
  ROOT,
  runTask,
} from "./support/standalone.ts";

const offline = await offlineSupport();

async function filesUnder(dir: string): Promise<string[]> {
  const found: string[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) {
      const path = join(dir, entry.name);
      if (entry.isDirectory) found.push(...await filesUnder(path));
      else found.push(path);
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return found;
}

/** The run command the README gives for the bundle. */
function bundleCommand(extra: string[]): string[] {
  return [
    Deno.execPath(),
    "run",
    "--no-prompt",
    "--unstable-kv",
    "--allow-net",
    "--allow-env",
    "--allow-read=./data",
    "--allow-write=./data",
    ...extra,
    "chat.js",
  ];
}

/**
 * Largest one-file bundle. It was 1 MB until accounts (issue 13) brought
 * passkey verification (@simplewebauthn/server with its ASN.1/X.509 parsers,
 * ~330 KB minified), JWT checks (jose, ~60 KB) and Unicode's confusables
 * table (~117 KB): 1.3 MB then.
 */
const MAX_BUNDLE_BYTES = 1_500_000;

Deno.test({
  name: offline.ok
    ? "one file: dist/chat.js alone, empty DENO_DIR, no network (unshare -rn)"
    : "one file: dist/chat.js alone, empty DENO_DIR, --cached-only (no unshare here)",
  async fn() {
    if (!offline.ok) {
      console.log(`one-file test runs with --cached-only: ${offline.reason}`);
    }
    await runTask("bundle");
    const tmp = await Deno.makeTempDir({ prefix: "chat_one_file_" });
    try {
      const app = join(tmp, "app");
      const denoDir = join(tmp, "deno_dir");
      await Deno.mkdir(app);
      await Deno.mkdir(denoDir);
      await Deno.copyFile(join(ROOT, "dist", "chat.js"), join(app, "chat.js"));
      const size = (await Deno.stat(join(app, "chat.js"))).size;
      assert.ok(size < MAX_BUNDLE_BYTES, `dist/chat.js is ${size} bytes`);
      await chatSurvivesRestart({
        command: () => bundleCommand(offline.ok ? [] : ["--cached-only"]),
        cwd: app,
        env: { CHAT_STORE: "kv", DENO_DIR: denoDir },
        offline: offline.ok,
      });
      assert.deepEqual(await entries(app), ["chat.js", "data"]);
      assert.deepEqual(await entries(join(app, "data")), ["chat.kv"]);
      for (const folder of ["npm", "remote", "jsr"]) {
        const fetched = await filesUnder(join(denoDir, folder));
        assert.deepEqual(fetched, [], `the bundle fetched dependencies`);
      }
    } finally {
      await Deno.remove(tmp, { recursive: true });
    }
  },
});
