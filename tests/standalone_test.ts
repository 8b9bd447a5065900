/**
 * What a compiled executable and Deno Deploy need of main.ts, proven with
 * `deno run` and narrow permissions: no project files read at run time, no
 * writes outside the kv store, no subprocesses, only the named settings.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { SETTINGS } from "../lib/config.ts";
import { helpText, parseCli, settingsHelp, VERSION } from "../lib/cli.ts";
import { compileArgs } from "../lib/compile.ts";
import { exerciseChat } from "./support/chat_scenario.ts";
import { denoDir } from "./support/denort.ts";
import { startServer } from "./support/server.ts";
import { chatSurvivesRestart, entries, ROOT } from "./support/standalone.ts";

const MAIN = join(ROOT, "main.ts");
const ENV = `--allow-env=${SETTINGS.join(",")}`;

Deno.test({
  name:
    "standalone readiness: main.ts from another directory, kv-only file access, named settings only",
  async fn() {
    const tmp = await Deno.makeTempDir({ prefix: "chat_standalone_" });
    try {
      const cwd = join(tmp, "elsewhere");
      const kvDir = join(tmp, "state");
      await Deno.mkdir(cwd);
      await chatSurvivesRestart({
        command: (port) => [
          Deno.execPath(),
          "run",
          "--no-prompt",
          "--unstable-kv",
          `--allow-net=127.0.0.1:${port}`,
          ENV,
          `--allow-read=${kvDir}`,
          `--allow-write=${kvDir}`,
          MAIN,
        ],
        cwd,
        env: { CHAT_STORE: "kv", CHAT_KV_PATH: join(kvDir, "chat.kv") },
      });
      assert.deepEqual(await entries(cwd), []);
      assert.ok((await entries(kvDir)).includes("chat.kv"));
    } finally {
      await Deno.remove(tmp, { recursive: true });
    }
  },
});

Deno.test({
  name: "Deploy permissions: no write and no read permission at all",
  async fn(t) {
    const cwd = await Deno.makeTempDir({ prefix: "chat_deploy_" });
    const permissions = ["--no-prompt", "--unstable-kv", "--allow-net", ENV];
    try {
      await t.step(
        "CHAT_STORE=memory serves pages, islands and sockets",
        async () => {
          const server = await startServer({
            permissions,
            cwd,
            env: { CHAT_STORE: "memory" },
          });
          try {
            await exerciseChat(server.url);
          } finally {
            assert.equal(await server.stop(), 0, server.logs.join("\n"));
          }
        },
      );

      await t.step(
        "with DENO_DEPLOYMENT_ID the kv store opens Deno.openKv() without a path",
        async () => {
          const locationData = join(await denoDir() ?? "", "location_data");
          const before = new Set(await entries(locationData).catch(() => []));
          const server = await startServer({
            permissions,
            cwd,
            env: { CHAT_STORE: "kv", DENO_DEPLOYMENT_ID: "standalone-test" },
          });
          try {
            await exerciseChat(server.url);
          } finally {
            assert.equal(await server.stop(), 0, server.logs.join("\n"));
            for (const name of await entries(locationData).catch(() => [])) {
              if (!before.has(name)) {
                await Deno.remove(join(locationData, name), {
                  recursive: true,
                });
              }
            }
          }
        },
      );
      assert.deepEqual(await entries(cwd), []);
    } finally {
      await Deno.remove(cwd, { recursive: true });
    }
  },
});

Deno.test("--help lists every setting with its default; --version names the build", async () => {
  const run = async (flag: string) => {
    const { code, stdout } = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--no-prompt", ENV, MAIN, flag],
      cwd: ROOT,
      env: { NO_COLOR: "1" },
      stdin: "null",
      stdout: "piped",
      stderr: "null",
    }).output();
    return { code, text: new TextDecoder().decode(stdout) };
  };
  const help = await run("--help");
  assert.equal(help.code, 0);
  assert.equal(help.text.trimEnd(), helpText().trimEnd());
  for (const name of SETTINGS) {
    assert.match(help.text, new RegExp(`^  ${name} `, "m"));
  }
  assert.match(help.text, /^ {2}PORT +8000 /m);
  assert.match(help.text, /^ {2}CHAT_KV_PATH +\.\/data\/chat\.kv /m);
  const version = await run("--version");
  assert.equal(version.code, 0);
  assert.match(
    version.text,
    new RegExp(`^chat ${VERSION.replaceAll(".", "\\.")} \\(deno `),
  );
  assert.equal(parseCli(["--port", "1"]).kind, "error");
  assert.equal(parseCli([]).kind, "serve");
});

Deno.test("the executable is granted exactly the settings as environment access", () => {
  const args = compileArgs();
  const granted = args.find((a) => a.startsWith("--allow-env="))
    ?.slice("--allow-env=".length).split(",");
  assert.deepEqual(granted, [...SETTINGS]);
  assert.ok(args.includes("--unstable-kv"));
  assert.ok(!args.some((a) => /^(?:-A|--allow-all|--allow-run)/.test(a)));
  assert.equal(args.at(-1), "main.ts");
  assert.deepEqual(
    compileArgs({ target: "aarch64-apple-darwin" }).slice(-5),
    [
      "--target",
      "aarch64-apple-darwin",
      "--output",
      "dist/chat-aarch64-apple-darwin",
      "main.ts",
    ],
  );
});

Deno.test("--help explains every setting", () => {
  for (const row of settingsHelp()) {
    assert.ok(
      row.meaning,
      `lib/cli.ts has no meaning for ${row.name}: add it to DOCS`,
    );
  }
});
