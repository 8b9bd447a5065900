/** Hostile and sloppy clients, limits and faults, over real sockets. */
import assert from "node:assert/strict";
import { rawConnect } from "./support/raw_ws.ts";
import { scrape, until } from "./support/hostile.ts";
import { startApp } from "./support/app_server.ts";
import { freshRoom, joined } from "./support/ws_client.ts";

Deno.test({
  name:
    "a client that stops reading is closed as a slow consumer; the others keep up",
  async fn() {
    const server = await startApp({
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
      while (((await scrape(server.url)).get(slow) ?? 0) === 0) {
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
