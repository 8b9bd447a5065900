/** A peer closed by the idle timeout is logged and counted as such, not as a normal close. */
import assert from "node:assert/strict";
import { rawConnect } from "./support/raw_ws.ts";
import { jsonLogs, scrape, until } from "./support/hostile.ts";
import { startApp } from "./support/app_server.ts";
import { connect, freshRoom } from "./support/ws_client.ts";

Deno.test({
  name: "dead peers: the idle-timeout close is logged and counted as such",
  async fn() {
    const server = await startApp({ env: { CHAT_IDLE_TIMEOUT_S: "1" } });
    try {
      const room = freshRoom();
      const alive = await connect(server.url, `/api/rooms/${room}/ws`);
      await alive.join("alive");
      const ghost = await rawConnect(server.port, `/api/rooms/${room}/ws`);
      await ghost.send(JSON.stringify({ type: "join", username: "ghost" }));
      await alive.next((f) => f.type === "left", 10_000);
      const disconnect = () =>
        jsonLogs(server.logs).find((l) =>
          l.event === "disconnect" && l.joined === true
        );
      await until(() => disconnect() !== undefined, {
        timeoutMs: 3000,
        what: "the disconnect logged",
      });
      const line = disconnect();
      assert.match(
        String(line?.reason),
        /idle|ping|pong/i,
        JSON.stringify(line),
      );
      await until(
        async () =>
          ((await scrape(server.url)).get(
            'chat_socket_closes_total{reason="idle_timeout"}',
          ) ?? 0) === 1,
        { timeoutMs: 3000, what: "idle_timeout counted" },
      );
      ghost.close();
      await alive.close();
    } finally {
      await server.stop();
    }
  },
});
