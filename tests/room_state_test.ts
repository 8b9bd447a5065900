/**
 * Per-room state is released when rooms empty: after people join and leave
 * many distinct rooms, the server's per-room maps (rooms, presence caches,
 * fan-out subscriptions) are back to zero.
 */
import assert from "node:assert/strict";
import { scrape, until } from "./support/hostile.ts";
import { withApp } from "./support/app_server.ts";
import { freshRoom, joined } from "./support/ws_client.ts";

const ROOMS = 150;

for (const store of ["memory", "kv"]) {
  Deno.test({
    name:
      `room state (${store}): joining and leaving ${ROOMS} rooms leaves no per-room entries behind`,
    async fn() {
      const dir = await Deno.makeTempDir({ prefix: "chat_room_state_" });
      try {
        await withApp({
          CHAT_STORE: store,
          CHAT_KV_PATH: `${dir}/chat.kv`,
          CHAT_WORKERS: "1",
        }, async (server) => {
          const entries = async () =>
            (await scrape(server.url)).get("chat_room_state_entries");
          assert.equal(await entries(), 0);
          const prefix = freshRoom("gone");
          for (let i = 0; i < ROOMS; i++) {
            const room = `${prefix}-${i}`;
            const a = await joined(server, { room, username: "ann" });
            const b = await joined(server, { room, username: "bob" });
            a.send({ type: "message", text: "hi" });
            await b.next((f) => f.type === "message");
            await b.close();
            await a.next((f) => f.type === "left");
            await a.close();
          }
          let last: number | undefined;
          await until(async () => (last = await entries()) === 0, {
            what: "per-room entries back to zero",
          }).catch((error) => {
            throw new Error(`${error.message}: ${last} left`);
          });
          assert.equal((await scrape(server.url)).get("chat_rooms"), 0);
        });
      } finally {
        await Deno.remove(dir, { recursive: true });
      }
    },
  });
}
