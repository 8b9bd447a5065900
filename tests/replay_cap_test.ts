/**
 * The welcome replay counts against the unsent-bytes cap: a `join` with
 * `since: ""` into a room of long messages, on sockets that never read,
 * costs the server a bounded amount per socket.
 */
import assert from "node:assert/strict";
import { rawConnect, type RawSocket } from "./support/raw_ws.ts";
import { residentBytes } from "./support/hostile.ts";
import { withServer } from "./support/server.ts";
import { type Frame, freshRoom, joined } from "./support/ws_client.ts";

const MIB = 1024 * 1024;
/** Sockets that join and never read. */
const STALLED = 10;

Deno.test({
  name:
    "replay cap: a welcome never holds more history than CHAT_MAX_BUFFERED_BYTES; stalled joiners cost little",
  async fn() {
    await withServer({ CHAT_RATE_LIMIT: "off" }, async (server) => {
      const pid = server.pid;
      assert.ok(pid);
      const room = freshRoom();
      const writer = await joined(server, { room, username: "writer" });
      const text = "中".repeat(2000);
      for (let i = 0; i < 1000; i += 50) {
        for (let j = 0; j < 50; j++) {
          writer.send({ type: "message", text, nonce: `n${i + j}` });
        }
        await writer.next((f) => f.nonce === `n${i + 49}`, 30_000);
      }
      const reader = await joined(server, {
        room,
        username: "reader",
        extra: { since: "" },
      });
      const welcome = reader.received[0];
      assert.equal(welcome.truncated, true);
      const bytes = new TextEncoder().encode(JSON.stringify(welcome)).length;
      assert.ok(bytes <= 1024 * 1024, `welcome of ${bytes} bytes`);
      assert.ok(welcome.history.length > 100, "as much as fits");
      const oldest = welcome.history[0].id;
      const older = await (await fetch(
        `${server.url}/api/rooms/${room}/messages?before=${oldest}&limit=200`,
      )).json();
      assert.equal(older.messages.length, 200, "the rest is a page away");
      const before = residentBytes(pid)!;
      const stalled: RawSocket[] = [];
      try {
        for (let i = 0; i < STALLED; i++) {
          const raw = await rawConnect(server.port, `/api/rooms/${room}/ws`);
          await raw.send(
            JSON.stringify({ type: "join", username: `s${i}`, since: "" }),
          );
          stalled.push(raw);
        }
        // Each `joined` goes out right after that joiner's welcome.
        for (let i = 0; i < STALLED; i++) {
          await writer.next((f: Frame) =>
            f.type === "joined" && f.username === `s${i}`
          );
        }
        const grown = (residentBytes(pid)! - before) / STALLED;
        console.log(`${(grown / MIB).toFixed(1)} MiB per stalled joiner`);
        assert.ok(grown < 5 * MIB, `${(grown / MIB).toFixed(1)} MiB each`);
      } finally {
        for (const raw of stalled) raw.close();
      }
      await Promise.all([writer.close(), reader.close()]);
    });
  },
});
