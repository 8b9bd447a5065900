/** Hostile and sloppy clients, limits and faults, over real sockets. */
import assert from "node:assert/strict";
import { rawConnect } from "./support/raw_ws.ts";
import { type RunningServer, startServer } from "./support/server.ts";
import { freshRoom, joined } from "./support/ws_client.ts";

const opts = { sanitizeResources: false, sanitizeOps: false };

async function metric(server: RunningServer, line: string): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const found = text.split("\n").find((l) => l.startsWith(line + " "));
  return found ? Number(found.slice(line.length + 1)) : 0;
}

async function until(
  check: () => Promise<boolean> | boolean,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("condition not reached in time");
    await new Promise((r) => setTimeout(r, 50));
  }
}

Deno.test({
  name:
    "a client that stops reading is closed as a slow consumer; the others keep up",
  ...opts,
  async fn() {
    const server = await startServer({
      env: { CHAT_RATE_LIMIT: "off", CHAT_MAX_BUFFERED_BYTES: "65536" },
    });
    try {
      const room = freshRoom();
      const stalled = await rawConnect(server.port, `/api/rooms/${room}/ws`);
      await stalled.send(JSON.stringify({ type: "join", username: "stalled" }));
      const reader = await joined(server, { room, username: "reader" });
      const text = "x".repeat(1900);
      let sent = 0;
      let got = 0;
      reader.socket.addEventListener("message", () => got++);
      const slow = 'chat_socket_closes_total{reason="slow_consumer"}';
      while (await metric(server, slow) === 0) {
        for (let i = 0; i < 50; i++) reader.send({ type: "message", text });
        sent += 50;
        await until(() => got >= sent);
        assert.ok(sent < 40_000, "the stalled socket was never closed");
      }
      assert.equal(reader.socket.readyState, WebSocket.OPEN);
      const left = await reader.next((f) => f.type === "left");
      assert.equal(left.username, "stalled");
      assert.deepEqual(left.members, ["reader"]);
      assert.equal(got, sent + 1, "every message reached the reader at once");
      stalled.close();
      await reader.close();
    } finally {
      await server.stop();
    }
  },
});
