/**
 * A socket must not keep its largest frame for life: with Deno's default
 * (plain writes through a per-socket buffer) every socket that got a big
 * welcome holds its size until it closes; the server turns vectored writes on
 * (lib/vectored_writes.ts), after which it does not.
 */
import assert from "node:assert/strict";
import { type RunningServer, withServer } from "./support/server.ts";
import {
  connect,
  freshRoom,
  joined,
  type TestClient,
} from "./support/ws_client.ts";

const SOCKETS = 150;
const AT_ONCE = 10;
const MESSAGES = 50;
const TEXT = "x".repeat(1_900);

/** KiB of the server's resident memory outside the JavaScript heap (which keeps garbage for a while). */
async function nativeKib(server: RunningServer): Promise<number> {
  const status = Deno.readTextFileSync(`/proc/${server.pid}/status`);
  const rss = Number(status.match(/^VmRSS:\s+(\d+)/m)?.[1]);
  const metrics = await (await fetch(`${server.url}/metrics`)).text();
  const heap = Number(metrics.match(/^process_heap_total_bytes (\d+)/m)?.[1]);
  assert.ok(rss > 0 && heap > 0, "RSS and heap figures");
  return rss - heap / 1024;
}

/** KiB of server memory each socket still holds after a ~100 KB welcome. */
async function keptPerSocket(env: Record<string, string>): Promise<number> {
  let kept = 0;
  await withServer({ CHAT_RATE_LIMIT: "off", ...env }, async (server) => {
    const room = freshRoom("writev");
    const writer = await joined(server, { room, username: "writer" });
    for (let i = 0; i < MESSAGES; i++) {
      writer.send({ type: "message", text: `${i} ${TEXT}` });
      await writer.next((f) =>
        f.type === "message" && f.text.startsWith(`${i} `)
      );
    }
    const clients: TestClient[] = [];
    try {
      // A first round warms the allocator up, so the second measures what stays.
      for (const round of [0, 1]) {
        const before = await nativeKib(server);
        // A few at a time: what is only passing through stays small, what each socket keeps adds up.
        for (let batch = 0; batch < SOCKETS; batch += AT_ONCE) {
          clients.push(
            ...await Promise.all(
              Array.from({ length: AT_ONCE }, async (_, i) => {
                const client = await connect(
                  server.url,
                  `/api/rooms/${room}/ws`,
                );
                const welcome = await client.join(
                  `r${round}-${batch + i}`,
                  { presence: "coalesced" },
                );
                assert.equal(welcome.history.length, MESSAGES);
                return client;
              }),
            ),
          );
        }
        // Every welcome has arrived; the server's buffers are what it keeps.
        kept = (await nativeKib(server) - before) / SOCKETS;
      }
    } finally {
      await Promise.all([writer, ...clients].map((c) => c.close()));
    }
  });
  return kept;
}

Deno.test("vectored writes: a socket does not keep its ~100 KB welcome", async () => {
  const plain = await keptPerSocket({ DENO_USE_WRITEV: "" });
  const ours = await keptPerSocket({});
  console.log(
    `server KiB kept per socket after a ~100 KB welcome: plain writes ${
      plain.toFixed(1)
    }, vectored ${ours.toFixed(1)}`,
  );
  // Every socket keeps its own state either way (~10–40 KiB here, noisy);
  // plain writes add the welcome's ~95 KiB on top.
  assert.ok(
    plain - ours > 50,
    `vectored ${ours.toFixed(1)} KiB vs plain ${plain.toFixed(1)} KiB`,
  );
});
