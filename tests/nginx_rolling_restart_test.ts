/**
 * A real nginx (deploy/nginx.conf) in front of two servers on one Redis: a
 * rolling restart under continuous sends from 20 clients loses nothing,
 * doubles nothing, keeps the order, and reconnects are quick.
 */
import assert from "node:assert/strict";
import { nginxPath, startNginx } from "./support/nginx.ts";
import { redisSkipReason, startRedis } from "./support/redis.ts";
import { freePort, type RunningServer, startServer } from "./support/server.ts";
import {
  longestAckGap,
  startSteadyClient,
  type SteadyClient,
} from "./support/steady_client.ts";
import { until } from "./support/hostile.ts";
import { storedHistory } from "./support/chat_scenario.ts";
import { freshRoom } from "./support/ws_client.ts";

/** Clients sending through the proxy. */
const CLIENTS = 20;
/** Pause of each client between an acknowledgement and its next message. */
const THINK_MS = 40;
/** A reconnect through the proxy must take less than this (the max_fails trap costs ~10–20 s). */
const QUICK_RECONNECT_MS = 3000;

const skip = redisSkipReason() ??
  (nginxPath() || Deno.env.get("CI") ? undefined : "nginx is not installed");
if (skip) console.warn(`nginx tests skipped: ${skip}`);

const ROOT = new URL("../", import.meta.url);

Deno.test("README gives deploy/nginx.conf and deploy/chat.service as they are", async () => {
  const readme = await Deno.readTextFile(new URL("README.md", ROOT));
  for (const file of ["deploy/nginx.conf", "deploy/chat.service"]) {
    const text = await Deno.readTextFile(new URL(file, ROOT));
    assert.ok(readme.includes(text.trim()), `README quotes ${file}`);
  }
});

function total(clients: SteadyClient[], pick: (c: SteadyClient) => number) {
  return clients.reduce((n, c) => n + pick(c), 0);
}

Deno.test({
  name:
    "nginx in front of two servers: a rolling restart under 20 senders loses, doubles and reorders nothing",
  ignore: Boolean(skip),
  async fn() {
    const redis = await startRedis();
    const ports = [freePort(), freePort()];
    const env = {
      CHAT_STORE: "redis",
      REDIS_URL: redis.url,
      CHAT_RATE_LIMIT: "off",
      CHAT_WORKERS: "1",
      CHAT_PRESENCE_TTL_MS: "3000",
    };
    const servers: (RunningServer | undefined)[] = await Promise.all(
      ports.map((port) => startServer({ env, port })),
    );
    const nginx = await startNginx(ports);
    const room = freshRoom("rolling");
    const clients: SteadyClient[] = [];
    try {
      for (let i = 0; i < CLIENTS; i++) {
        clients.push(
          await startSteadyClient({
            url: () => nginx.url,
            room,
            username: `p${i}`,
          }),
        );
      }
      let running = true;
      const loops = clients.map(async (client) => {
        while (running) {
          client.send();
          await client.settled(60_000);
          await new Promise((r) => setTimeout(r, THINK_MS));
        }
      });
      const progress = async (what: string) => {
        const acked = total(clients, (c) => c.acked.size);
        await until(() => total(clients, (c) => c.acked.size) >= acked + 60, {
          timeoutMs: 30_000,
          what,
        });
      };
      await progress("traffic before the restart");
      for (const index of [0, 1]) {
        const reconnects = total(clients, (c) => c.reconnects);
        const code = await servers[index]!.stop("SIGTERM");
        servers[index] = undefined;
        assert.equal(code, 0, "a drained server exits cleanly");
        await until(
          () => total(clients, (c) => c.reconnects) > reconnects,
          { what: "clients of the stopped server reconnecting" },
        );
        await progress(`traffic while server ${index} is down`);
        servers[index] = await startServer({ env, port: ports[index] });
        await progress(`traffic after server ${index} came back`);
      }
      running = false;
      await Promise.all(loops);

      const stored = await storedHistory(nginx.url, room);
      const ids = stored.map((m) => m.id);
      assert.deepEqual([...ids].sort(), ids);
      const nonces = stored.map((m) => m.nonce);
      assert.equal(new Set(nonces).size, nonces.length, "nothing stored twice");
      for (const client of clients) {
        for (const nonce of client.acked.keys()) {
          assert.ok(nonces.includes(nonce), `acknowledged ${nonce} stored`);
        }
        await until(() => client.received.length >= ids.length, {
          what: `${client.username} catching up`,
        });
        assert.deepEqual(
          client.received.map((m) => m.id),
          ids,
          `${client.username} got every message once, in order`,
        );
      }
      const reconnectMs = Math.max(...clients.map((c) => c.longestReconnectMs));
      const figures = {
        clients: CLIENTS,
        messages: ids.length,
        reconnects: total(clients, (c) => c.reconnects),
        resent: total(clients, (c) => c.resends),
        longestReconnectMs: reconnectMs,
        longestAckGapMs: Math.max(...clients.map(longestAckGap)),
      };
      console.log(`rolling restart figures: ${JSON.stringify(figures)}`);
      assert.ok(
        figures.reconnects >= CLIENTS,
        "every client moved at least once",
      );
      assert.ok(
        reconnectMs < QUICK_RECONNECT_MS,
        `reconnects are quick (${reconnectMs} ms); nginx log:\n${await nginx
          .errors()}`,
      );
    } finally {
      await Promise.all(clients.map((c) => c.stop()));
      await nginx.stop();
      await Promise.all(servers.map((s) => s?.stop()));
      await redis.stop();
    }
  },
});
