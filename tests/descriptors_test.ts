/**
 * Descriptors as a resource a stranger can take: silent connections are
 * closed after the header timeout, and under a low `ulimit -n` the server
 * caps its connections below the limit, answers 503 past it and lives on.
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
import { freshRoom } from "./support/ws_client.ts";

const MAIN = fileURLToPath(new URL("../main.ts", import.meta.url));

/** A command running `script` (main.ts by default) with every permission under `ulimit -n limit`. */
function underFileLimit(limit: number, script = MAIN): string[] {
  return [
    "bash",
    "-c",
    `ulimit -n ${limit}; exec "$0" run -A "$1"`,
    Deno.execPath(),
    script,
  ];
}

/** Resolves with how long the server took to close a connection that sent `bytes` and then nothing. */
async function closedAfter(port: number, bytes: string): Promise<number> {
  // Timed from before the connect: the server's timer cannot start earlier.
  const started = performance.now();
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    if (bytes) await conn.write(new TextEncoder().encode(bytes));
    const buffer = new Uint8Array(4096);
    while ((await conn.read(buffer).catch(() => null)) !== null) {
      // a response to a complete request; the connection then idles
    }
    return performance.now() - started;
  } finally {
    try {
      conn.close();
    } catch {
      // already closed
    }
  }
}

Deno.test({
  name:
    "header timeout: connections that send no complete request head are closed",
  async fn() {
    const timeout = 600;
    const server = await startServer({
      env: { CHAT_HEADER_TIMEOUT_MS: String(timeout) },
    });
    try {
      const [silent, partial, idle] = await Promise.all([
        closedAfter(server.port, ""),
        closedAfter(server.port, "GET /healthz HTTP/1.1\r\nHost: x\r\n"),
        closedAfter(server.port, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"),
      ]);
      for (const [what, ms] of Object.entries({ silent, partial, idle })) {
        assert.ok(ms >= timeout - 50, `${what} closed too early: ${ms} ms`);
        assert.ok(ms < timeout + 5_000, `${what} closed late: ${ms} ms`);
      }
      const start = jsonLogs(server.logs).find((l) => l.event === "start");
      assert.equal(start?.headerTimeoutMs, timeout);
      // The silent and the partial one; an idle keep-alive is routine.
      const metrics = await (await fetch(`${server.url}/metrics`)).text();
      assert.match(metrics, /^chat_http_header_timeouts_total 2$/m);
      assert.equal(
        (await rawRequest(server.port, { path: "/healthz" })).status,
        200,
      );
    } finally {
      await server.stop();
    }
  },
});

Deno.test({
  name:
    "descriptors: under ulimit -n 256 the server refuses with 503 past its cap and keeps serving",
  async fn() {
    const limit = 256;
    const server = await startServer({
      command: underFileLimit(limit),
      env: { CHAT_HEADER_TIMEOUT_MS: "60000" },
    });
    const silent: Deno.Conn[] = [];
    const sockets: UpgradeAttempt[] = [];
    try {
      const pid = server.pid;
      assert.ok(pid, "the server's pid");
      const start = jsonLogs(server.logs).find((l) => l.event === "start");
      assert.equal(start?.fileLimit, limit);
      const cap = Number(start?.maxConnections);
      assert.ok(cap > 0 && cap < limit - 32, `cap ${cap} for limit ${limit}`);
      assert.equal(start?.maxConnectionsSet, 20_000, "the lowering is logged");
      // More silent connections than the process has descriptors.
      for (let i = 0; i < limit + 100; i++) {
        silent.push(
          await Deno.connect({ hostname: "127.0.0.1", port: server.port }),
        );
      }
      const answers = await Promise.all(silent.map(async (conn) => {
        const buffer = new Uint8Array(512);
        const n = await Promise.race([
          conn.read(buffer).catch(() => null),
          new Promise<"open">((r) => setTimeout(() => r("open"), 3_000)),
        ]);
        return n === "open"
          ? "open"
          : n === null
          ? "closed"
          : new TextDecoder().decode(buffer.subarray(0, n)).split("\r\n")[0];
      }));
      const refused = answers.filter((a) => a.includes(" 503 ")).length;
      const held = answers.filter((a) => a === "open").length;
      console.log(`silent: ${held} held, ${refused} answered 503`);
      assert.ok(refused >= 100, `only ${refused} answered 503`);
      assert.ok(held < limit - 32, `${held} held`);
      assert.ok(processAlive(pid), "the server is alive");
      for (const conn of silent.splice(0)) conn.close();
      await until(async () => {
        try {
          return (await rawRequest(server.port, { path: "/healthz" }))
            .status === 200;
        } catch {
          return false;
        }
      }, { what: "/healthz after the flood" });
      // WebSockets up to the cap, then 503, and health checks still answer.
      const path = `/api/rooms/${freshRoom()}/ws`;
      for (let i = 0; i < cap; i++) {
        sockets.push(await tryUpgrade(server.port, path));
      }
      assert.deepEqual(
        sockets.filter((s) => s.status !== 101).map((s) => s.status),
        [],
      );
      const past = await tryUpgrade(server.port, path);
      past.conn?.close();
      assert.equal(past.status, 503);
      assert.equal(
        (await rawRequest(server.port, { path: "/healthz" })).status,
        200,
      );
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
    "descriptors: sockets opening all at once are all admitted up to the cap, and only past it refused",
  async fn() {
    const limit = 256;
    const server = await startServer({
      command: underFileLimit(limit),
    });
    const sockets: UpgradeAttempt[] = [];
    try {
      const start = jsonLogs(server.logs).find((l) => l.event === "start");
      const cap = Number(start?.maxConnections);
      const path = `/api/rooms/${freshRoom()}/ws`;
      // Each upgrade in flight counts once: as an HTTP connection until its
      // socket opens, then as a socket. Counted twice, the connections
      // accepted late in a storm (while many others upgrade) are refused
      // below the cap: so 100 at a time, each next one opened as one ends.
      let next = 0;
      await Promise.all(Array.from({ length: 100 }, async () => {
        while (next < cap) {
          next++;
          sockets.push(await tryUpgrade(server.port, path));
        }
      }));
      const statuses = sockets.map((s) => s.status);
      assert.equal(
        statuses.filter((status) => status === 101).length,
        cap,
        `refused: ${statuses.filter((status) => status !== 101).join(" ")}`,
      );
      const past = await tryUpgrade(server.port, path);
      past.conn?.close();
      assert.equal(past.status, 503);
    } finally {
      for (const socket of sockets) socket.conn?.close();
      await server.stop();
    }
  },
});

Deno.test({
  name:
    "descriptors: when accept itself fails (no budget, ulimit -n 64) the listener pauses, recovers and serves",
  async fn() {
    const fixture = fileURLToPath(
      new URL("./fixtures/accept_loop_server.ts", import.meta.url),
    );
    const [program, ...args] = underFileLimit(64, fixture);
    const child = new Deno.Command(program, {
      args,
      env: { NO_COLOR: "1" },
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    const lines: Record<string, unknown>[] = [];
    const reading = (async () => {
      let rest = "";
      for await (
        const chunk of child.stdout.pipeThrough(new TextDecoderStream())
      ) {
        const parts = (rest + chunk).split("\n");
        rest = parts.pop() ?? "";
        for (const part of parts) if (part) lines.push(JSON.parse(part));
      }
    })();
    let exited = false;
    child.status.then(() => exited = true);
    const flood: Deno.Conn[] = [];
    try {
      await until(() => lines.some((l) => l.event === "listening"), {
        what: "the fixture listening",
      });
      const port = Number(lines.find((l) => l.event === "listening")!.port);
      // One answer first, so what the runtime sets up lazily for serving is
      // in place before descriptors run out (Deno 2.9.6 panicked in
      // ext/signals once when that set-up met EMFILE during the flood).
      assert.equal((await rawRequest(port, { path: "/" })).status, 200);
      for (let i = 0; i < 120; i++) {
        flood.push(await Deno.connect({ hostname: "127.0.0.1", port }));
      }
      await until(() => lines.some((l) => l.event === "accept_failed"), {
        what: "an accept that failed for want of descriptors",
      });
      assert.match(
        String(lines.find((l) => l.event === "accept_failed")!.reason),
        /open files|os error 24/i,
      );
      assert.equal(exited, false, "still running");
      for (const conn of flood.splice(0)) conn.close();
      await until(async () => {
        if (exited) throw new Error("the fixture exited (its stderr is above)");
        try {
          return (await rawRequest(port, { path: "/" })).status === 200;
        } catch {
          return false;
        }
      }, { what: "an answer after the flood" });
      await until(() => lines.some((l) => l.event === "accept_recovered"), {
        what: "accept_recovered logged",
      });
      assert.equal(exited, false, "still running");
    } finally {
      for (const conn of flood) conn.close();
      if (!exited) child.kill("SIGKILL");
      await child.status;
      await reading;
    }
  },
});
