/**
 * Issue 11, item 8: a `Host` header that makes no URL (`"><x>`, `a b`,
 * `[::1`) gets 400 on every route, sent over raw TCP as an attacker would;
 * the server keeps serving and every line it logs is JSON, also for an
 * uncaught error.
 */
import assert from "node:assert/strict";
import { rawRequest } from "./support/hostile.ts";
import { startServer } from "./support/server.ts";

const BAD_HOSTS = ['"><x>', "a b", "[::1"];
const PATHS = ["/", "/healthz", "/chat/lobby", "/api/rooms", "/metrics", "/x"];

function assertAllJson(lines: readonly string[]): void {
  for (const line of lines) {
    if (line === "") continue;
    assert.doesNotThrow(() => JSON.parse(line), `not JSON: ${line}`);
  }
}

Deno.test("a malformed Host gets 400 on every route, and the logs stay JSON", async () => {
  const server = await startServer();
  try {
    for (const host of BAD_HOSTS) {
      for (const path of PATHS) {
        const res = await rawRequest(server.port, {
          path,
          headers: { host },
        });
        assert.equal(res.status, 400, `${path} with Host ${host}`);
        assert.match(res.body, /malformed Host/);
      }
    }
    const good = await rawRequest(server.port, { path: "/healthz" });
    assert.equal(good.status, 200);
  } finally {
    assert.equal(await server.stop(), 0);
  }
  assertAllJson(server.logs);
  assert.ok(!server.logs.some((line) => line.includes("><x>")));
});

const LOG_MODULE = new URL("../lib/log.ts", import.meta.url).href;

async function runScript(code: string) {
  const dir = await Deno.makeTempDir({ prefix: "chat_uncaught_" });
  const file = `${dir}/script.ts`;
  await Deno.writeTextFile(file, code);
  try {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-read", file],
      env: { NO_COLOR: "1" },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(out.stderr) +
      new TextDecoder().decode(out.stdout);
    return { code: out.code, lines: text.split("\n").filter(Boolean) };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("an uncaught error and an unhandled rejection log one JSON line and exit 1", async () => {
  const cases = {
    uncaught_error:
      "setTimeout(() => { throw new Error('boom\\nline two'); });",
    unhandled_rejection: "Promise.reject(new TypeError('nope'));",
  };
  for (const [event, trigger] of Object.entries(cases)) {
    const { code, lines } = await runScript(
      `import { jsonLogger, logUncaught } from ${JSON.stringify(LOG_MODULE)};
logUncaught(jsonLogger());
jsonLogger()("info", "before", {});
${trigger}`,
    );
    assert.equal(code, 1, lines.join("\n"));
    assertAllJson(lines);
    const records = lines.map((line) => JSON.parse(line));
    assert.deepEqual(records.map((r) => r.event).sort(), ["before", event]);
    assert.ok(records.find((r) => r.event === event).stack);
  }
});
