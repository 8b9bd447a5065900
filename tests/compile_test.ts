/**
 * `deno task compile` writes dist/chat, one executable that serves the whole
 * chat copied alone into an empty directory, with no network. Skipped, with
 * the reason, where `deno compile` cannot get its base runtime (`denort`):
 * no `DENORT_BIN`, none cached, no way to download it.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { denortStatus } from "./support/denort.ts";
import { offlineSupport } from "./support/offline.ts";
import {
  chatSurvivesRestart,
  entries,
  ROOT,
  runTask,
} from "./support/standalone.ts";

const denort = await denortStatus();
const offline = await offlineSupport();
const NAME = Deno.build.os === "windows" ? "chat.exe" : "chat";

if (!denort.ok) console.log(`compile test skipped: ${denort.reason}`);

Deno.test({
  name: `compile: dist/${NAME} alone in an empty directory` +
    (offline.ok ? ", no network" : ""),
  ignore: !denort.ok,
  async fn() {
    await runTask("compile");
    const tmp = await Deno.makeTempDir({ prefix: "chat_compile_" });
    try {
      const app = join(tmp, "app");
      await Deno.mkdir(app);
      const bin = join(app, NAME);
      await Deno.copyFile(join(ROOT, "dist", NAME), bin);
      await Deno.chmod(bin, 0o755).catch(() => {});

      const said = async (flag: string) => {
        const { code, stdout } = await new Deno.Command(bin, {
          args: [flag],
          cwd: app,
          stdin: "null",
          stdout: "piped",
          stderr: "null",
        }).output();
        assert.equal(code, 0, `${NAME} ${flag}`);
        return new TextDecoder().decode(stdout);
      };
      assert.match(await said("--version"), /^chat \S+ \(deno /);
      assert.match(await said("--help"), /CHAT_KV_PATH/);

      const kvPath = join(app, "state", "chat.kv");
      await chatSurvivesRestart({
        command: () => [bin],
        cwd: app,
        env: { CHAT_STORE: "kv", CHAT_KV_PATH: kvPath },
        offline: offline.ok,
      });
      assert.deepEqual(await entries(app), [NAME, "state"]);
      assert.ok((await entries(join(app, "state"))).includes("chat.kv"));
    } finally {
      await Deno.remove(tmp, { recursive: true });
    }
  },
});
