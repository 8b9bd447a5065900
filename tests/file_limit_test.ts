/**
 * The connection cap follows the descriptor limit with the permissions of
 * `deno task start` (no --allow-all, so /proc/self/limits is unreadable):
 * from CHAT_FILE_LIMIT when set, else learned at the first accept that runs
 * out of descriptors. Past the cap: 503, never a dead process.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import {
  jsonLogs,
  processAlive,
  rawRequest,
  tryUpgrade,
  until,
  type UpgradeAttempt,
} from "./support/hostile.ts";
import { startServer } from "./support/server.ts";
import { startTaskFlags } from "./support/start_task.ts";
import { freshRoom } from "./support/ws_client.ts";

const ROOT = new URL("../", import.meta.url);
const MAIN = fileURLToPath(new URL("main.ts", ROOT));
const LIMIT = 300;

/** `deno task start`'s permissions under `ulimit -n LIMIT`. */
async function limitedCommand(): Promise<string[]> {
  const flags = await startTaskFlags();
  assert.ok(!flags.includes("-A") && !flags.includes("--allow-all"));
  return [
    "bash",
    "-c",
    `ulimit -n ${LIMIT}; exec "$@"`,
    "bash",
    Deno.execPath(),
    "run",
    ...flags,
    MAIN,
  ];
}

async function healthy(port: number): Promise<boolean> {
  try {
    return (await rawRequest(port, { path: "/healthz" })).status === 200;
  } catch {
    return false;
  }
}

Deno.test({
  name:
    "file limit: without --allow-all the cap is learned when accept runs out of descriptors; later sockets get 503",
  async fn() {
    const server = await startServer({
      command: await limitedCommand(),
      env: { CHAT_HEADER_TIMEOUT_MS: "60000" },
    });
    const silent: Deno.Conn[] = [];
    const sockets: UpgradeAttempt[] = [];
    try {
      const pid = server.pid;
      assert.ok(pid, "the server's pid");
      const start = jsonLogs(server.logs).find((l) => l.event === "start");
      assert.equal(start?.fileLimitFrom, "none", "/proc is not readable");
      assert.equal(start?.fileLimit, null);
      assert.equal(start?.tcpCap, null);
      for (let i = 0; i < LIMIT + 100; i++) {
        silent.push(
          await Deno.connect({ hostname: "127.0.0.1", port: server.port }),
        );
      }
      await until(
        () =>
          jsonLogs(server.logs).some((l) =>
            l.event === "connection_cap_learned"
          ),
        { what: "the cap learned from a failed accept" },
      );
      const learned = jsonLogs(server.logs).filter((l) =>
        l.event === "connection_cap_learned"
      );
      assert.equal(learned.length, 1, "logged once");
      const cap = Number(learned[0].maxConnections);
      const tcp = Number(learned[0].tcpCap);
      assert.ok(tcp < LIMIT - 64 && cap < tcp && cap > 0, `${tcp}/${cap}`);
      assert.ok(processAlive(pid), "the server is alive");
      for (const conn of silent.splice(0)) conn.close();
      await until(() => healthy(server.port), {
        what: "/healthz after the flood",
      });
      const path = `/api/rooms/${freshRoom()}/ws`;
      for (let i = 0; i < cap; i++) {
        sockets.push(await tryUpgrade(server.port, path));
      }
      const first = sockets.findIndex((s) => s.status !== 101);
      assert.equal(first, -1, `refused from the ${first}th of ${cap}`);
      const past = await tryUpgrade(server.port, path);
      past.conn?.close();
      assert.equal(past.status, 503);
      assert.ok(await healthy(server.port), "/healthz at the cap");
      assert.ok(processAlive(pid), "the server is alive");
    } finally {
      for (const conn of silent) conn.close();
      for (const socket of sockets) socket.conn?.close();
      await server.stop();
    }
  },
});

Deno.test({
  name:
    "file limit: CHAT_FILE_LIMIT sets the cap at start without --allow-all, and says so",
  async fn() {
    const server = await startServer({
      command: await limitedCommand(),
      env: { CHAT_FILE_LIMIT: String(LIMIT) },
    });
    const sockets: UpgradeAttempt[] = [];
    try {
      const start = jsonLogs(server.logs).find((l) => l.event === "start");
      assert.equal(start?.fileLimitFrom, "CHAT_FILE_LIMIT");
      assert.equal(start?.fileLimit, LIMIT);
      const cap = Number(start?.maxConnections);
      assert.ok(cap > 0 && cap < LIMIT - 64, `cap ${cap}`);
      const path = `/api/rooms/${freshRoom()}/ws`;
      for (let i = 0; i < cap; i++) {
        sockets.push(await tryUpgrade(server.port, path));
      }
      const past = await tryUpgrade(server.port, path);
      past.conn?.close();
      assert.equal(past.status, 503);
      assert.ok(await healthy(server.port), "/healthz at the cap");
      assert.ok(processAlive(server.pid!), "the server is alive");
    } finally {
      for (const socket of sockets) socket.conn?.close();
      await server.stop();
    }
  },
});
