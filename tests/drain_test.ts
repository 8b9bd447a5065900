/**
 * SIGTERM in the middle of a burst: the socket closes with 1001, the process
 * exits 0, every acknowledged message survives the restart, and resending the
 * rest with the same nonces stores nothing twice.
 */
import assert from "node:assert/strict";
import { jsonLogs } from "./support/hostile.ts";
import { startServer } from "./support/server.ts";
import { connect, type Frame, freshRoom } from "./support/ws_client.ts";

const BURST = 50;

Deno.test({
  name:
    "drain: SIGTERM right after a burst of 50 keeps every acknowledged message, and resends are not stored twice",
  async fn() {
    const dir = await Deno.makeTempDir();
    try {
      const env = {
        CHAT_STORE: "kv",
        CHAT_KV_PATH: `${dir}/chat.kv`,
        CHAT_RATE_LIMIT: "off",
      };
      const room = freshRoom();
      const clientId = "drain-client";
      const texts = Array.from({ length: BURST }, (_, i) => `burst ${i}`);
      const first = await startServer({ env });
      const sender = await connect(first.url, `/api/rooms/${room}/ws`);
      assert.equal((await sender.join("sender", { clientId })).type, "welcome");
      for (let i = 0; i < BURST; i++) {
        sender.send({ type: "message", text: texts[i], nonce: `n${i}` });
      }
      // SIGTERM as soon as the first is acknowledged: the rest are in flight.
      await sender.next((f) => f.type === "message");
      const exit = await first.stop("SIGTERM");
      const closed = await sender.closed;
      assert.equal(closed.code, 1001, `closed with ${closed.code}`);
      assert.equal(exit, 0);
      const acked = new Map<string, Frame>();
      for (const frame of sender.received) {
        if (frame.type === "message") acked.set(frame.nonce, frame);
        assert.notEqual(frame.type, "error", JSON.stringify(frame));
      }
      console.log(`${acked.size} of ${BURST} acknowledged before the close`);
      const events = jsonLogs(first.logs).map((l) => l.event);
      assert.ok(
        events.indexOf("shutdown") < events.indexOf("stopped"),
        "shutdown, then stopped",
      );

      const second = await startServer({ env });
      try {
        const history = async () =>
          (await (await fetch(
            `${second.url}/api/rooms/${room}/messages?limit=200`,
          )).json()).messages as Frame[];
        const stored = await history();
        const byNonce = new Map(stored.map((m) => [m.nonce, m]));
        console.log(`${stored.length} stored before the restart`);
        assert.equal(byNonce.size, stored.length, "a nonce stored twice");
        for (const [nonce, message] of acked) {
          assert.deepEqual(
            byNonce.get(nonce),
            message,
            `acknowledged ${nonce} lost`,
          );
        }
        const again = await connect(second.url, `/api/rooms/${room}/ws`);
        assert.equal(
          (await again.join("sender", { clientId })).type,
          "welcome",
        );
        // Resend everything not acknowledged, then everything once more.
        const missing = texts.flatMap((text, i) =>
          acked.has(`n${i}`) ? [] : [{ text, nonce: `n${i}` }]
        );
        const everything = texts.map((text, i) => ({ text, nonce: `n${i}` }));
        for (const { text, nonce } of [...missing, ...everything]) {
          again.send({ type: "message", text, nonce });
          const answer = await again.next((f) =>
            (f.type === "message" && f.nonce === nonce) || f.type === "error"
          );
          assert.equal(answer.type, "message", JSON.stringify(answer));
          const earlier = acked.get(nonce) ?? byNonce.get(nonce);
          if (earlier) {
            assert.equal(answer.id, earlier.id, `${nonce} re-stored`);
          }
          acked.set(nonce, answer as Frame);
        }
        const final = await history();
        assert.equal(final.length, BURST, "each message stored exactly once");
        assert.deepEqual(
          final.map((m) => m.nonce).sort(),
          everything.map((m) => m.nonce).sort(),
        );
        for (const message of final) {
          assert.equal(message.text, texts[Number(message.nonce.slice(1))]);
        }
        await again.close();
      } finally {
        await second.stop();
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
