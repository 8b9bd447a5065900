/**
 * Issue 11, item 10 (and the start of item 4): a start that cannot work ends
 * with exit 1 and ONE JSON line naming the setting to change, never a stack
 * trace: a KV path `deno task start` may not write, a busy port, a read-only
 * folder, a full disk.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { diskSupport, onSmallDisk, warnNoDisk } from "./support/small_disk.ts";
import { startTaskFlags } from "./support/start_task.ts";

const ROOT = new URL("../", import.meta.url);
const MAIN = fileURLToPath(new URL("main.ts", ROOT));

interface Outcome {
  code: number;
  lines: string[];
}

async function run(
  command: string[],
  env: Record<string, string>,
): Promise<Outcome> {
  const [program, ...args] = command;
  const out = await new Deno.Command(program, {
    args,
    cwd: ROOT,
    env: { NO_COLOR: "1", HOSTNAME: "127.0.0.1", PORT: "0", ...env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout) +
    new TextDecoder().decode(out.stderr);
  return { code: out.code, lines: text.split("\n").filter(Boolean) };
}

function assertOneLine(outcome: Outcome, setting: string, pattern: RegExp) {
  assert.equal(outcome.code, 1, outcome.lines.join("\n"));
  assert.equal(outcome.lines.length, 1, outcome.lines.join("\n"));
  const record = JSON.parse(outcome.lines[0]);
  assert.equal(record.event, "start_failed");
  assert.equal(record.level, "error");
  assert.equal(record.setting, setting);
  assert.ok(record.reason.startsWith(setting), record.reason);
  assert.match(record.reason, pattern);
}

Deno.test("CHAT_KV_PATH outside ./data under deno task start's permissions: one line naming it", async () => {
  const dir = await Deno.makeTempDir({ prefix: "chat_kv_outside_" });
  try {
    const outcome = await run(
      [Deno.execPath(), "run", ...(await startTaskFlags()), MAIN],
      { CHAT_KV_PATH: `${dir}/sub/chat.kv` },
    );
    assertOneLine(
      outcome,
      "CHAT_KV_PATH",
      /may not write there.*--allow-write/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a KV file outside ./data works when its folder may be written", async () => {
  const dir = await Deno.makeTempDir({ prefix: "chat_kv_allowed_" });
  const flags = (await startTaskFlags()).map((flag) =>
    flag.startsWith("--allow-write=") ? `${flag},${dir}` : flag
  );
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", ...flags, MAIN],
    cwd: ROOT,
    env: {
      NO_COLOR: "1",
      HOSTNAME: "127.0.0.1",
      PORT: "0",
      CHAT_KV_PATH: `${dir}/chat.kv`,
    },
    stdin: "null",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  try {
    const reader = child.stdout.pipeThrough(new TextDecoderStream())
      .getReader();
    let seen = "";
    // The start line, whole: it names the port the server bound (PORT=0).
    while (!/"event":"start"[^\n]*\n/.test(seen)) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`exited before listening: ${seen}`);
      seen += value;
    }
    const start = seen.split("\n").find((line) =>
      line.includes('"event":"start"')
    )!;
    const { port } = JSON.parse(start);
    const res = await fetch(`http://127.0.0.1:${port}/healthz`);
    assert.equal(res.status, 200);
    await res.body?.cancel();
    reader.releaseLock();
  } finally {
    child.kill("SIGTERM");
    const { code } = await child.status;
    await child.stdout.cancel().catch(() => {});
    await Deno.remove(dir, { recursive: true });
    assert.equal(code, 0);
  }
});

Deno.test("a busy port: one line naming PORT", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  try {
    const outcome = await run([Deno.execPath(), "run", "-A", MAIN], {
      CHAT_STORE: "memory",
      PORT: String((listener.addr as Deno.NetAddr).port),
    });
    assertOneLine(outcome, "PORT", /already in use/);
  } finally {
    listener.close();
  }
});

Deno.test("a read-only KV folder and a full disk: one line naming CHAT_KV_PATH", async (t) => {
  const support = await diskSupport();
  if (!support.ok) {
    warnNoDisk(support.reason);
    return;
  }
  const dir = await Deno.makeTempDir({ prefix: "chat_kv_disk_" });
  const serve = [Deno.execPath(), "run", "-A", MAIN];
  try {
    await t.step("read-only", async () => {
      const outcome = await run(
        onSmallDisk(serve, { dir, readOnly: true }),
        { CHAT_KV_PATH: `${dir}/chat.kv` },
      );
      assertOneLine(outcome, "CHAT_KV_PATH", /cannot be written/);
    });
    await t.step("read-only, the folder to create", async () => {
      const outcome = await run(
        onSmallDisk(serve, { dir, readOnly: true }),
        { CHAT_KV_PATH: `${dir}/sub/chat.kv` },
      );
      assertOneLine(outcome, "CHAT_KV_PATH", /cannot be written/);
    });
    await t.step("full", async () => {
      const outcome = await run(
        onSmallDisk(serve, { dir, fill: true }),
        { CHAT_KV_PATH: `${dir}/chat.kv` },
      );
      assertOneLine(outcome, "CHAT_KV_PATH", /disk is full/);
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
