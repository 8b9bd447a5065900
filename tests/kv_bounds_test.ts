/** The kv store takes any `since` and `before` string as a position, end to end. */
import assert from "node:assert/strict";
import { jsonLogs } from "./support/hostile.ts";
import { startApp } from "./support/app_server.ts";
import { connect, freshRoom } from "./support/ws_client.ts";

Deno.test({
  name:
    "kv: any since string gets a welcome and any before string a page, never server_error or 500",
  async fn() {
    const dir = await Deno.makeTempDir();
    const server = await startApp({
      env: { CHAT_STORE: "kv", CHAT_KV_PATH: `${dir}/chat.kv` },
    });
    try {
      const room = freshRoom();
      const writer = await connect(server.url, `/api/rooms/${room}/ws`);
      assert.equal((await writer.join("writer")).type, "welcome");
      writer.send({ type: "message", text: "first" });
      const first = await writer.next((f) => f.type === "message");
      const cases: [string, number][] = [
        ["😀", 0],
        ["\uffff", 0],
        ["x".repeat(3000), 0],
        ["0".repeat(2100), 1],
        ["", 1],
      ];
      for (const [since, expected] of cases) {
        const reader = await connect(server.url, `/api/rooms/${room}/ws`);
        const welcome = await reader.join("reader", { since });
        assert.equal(
          welcome.type,
          "welcome",
          `since ${since.slice(0, 8)}: ${JSON.stringify(welcome)}`,
        );
        assert.equal(welcome.history.length, expected);
        await reader.close();
      }
      for (const before of ["x".repeat(3000), "😀", "\uffff\uffff"]) {
        const res = await fetch(
          `${server.url}/api/rooms/${room}/messages?before=${
            encodeURIComponent(before)
          }`,
        );
        assert.equal(res.status, 200);
        assert.deepEqual((await res.json()).messages, [first]);
      }
      await writer.close();
    } finally {
      await server.stop();
      await Deno.remove(dir, { recursive: true });
    }
    assert.deepEqual(
      jsonLogs(server.logs).filter((l) => l.level === "error"),
      [],
    );
  },
});
