/**
 * Dead peers and connection limits over real sockets: idle timeout, the
 * total and per-address caps, trusted proxies, and thousands of loopback
 * sockets with the defaults.
 */
import assert from "node:assert/strict";
import { rawConnect } from "./support/raw_ws.ts";
import {
  jsonLogs,
  scrape,
  serverEvents,
  tryUpgrade,
  until,
  type UpgradeAttempt,
} from "./support/hostile.ts";
import { type RunningServer, withServer } from "./support/server.ts";
import {
  connect,
  type Frame,
  freshRoom,
  type TestClient,
} from "./support/ws_client.ts";

async function joined(
  server: RunningServer,
  room: string,
  username: string,
): Promise<TestClient> {
  const client = await connect(server.url, `/api/rooms/${room}/ws`);
  const welcome = await client.join(username);
  assert.equal(welcome.type, "welcome", JSON.stringify(welcome));
  return client;
}

function closeAll(attempts: UpgradeAttempt[]): void {
  for (const attempt of attempts) {
    try {
      attempt.conn?.close();
    } catch {
      // already closed
    }
  }
}

Deno.test({
  name:
    "dead peers: a client that never answers pings is closed and the room hears it left",
  async fn() {
    await withServer({ CHAT_IDLE_TIMEOUT_S: "1" }, async (server) => {
      const room = freshRoom();
      const alive = await joined(server, room, "alive");
      const ghost = await rawConnect(server.port, `/api/rooms/${room}/ws`);
      await ghost.send(JSON.stringify({ type: "join", username: "ghost" }));
      const joinedEvent = await alive.next((f) =>
        f.type === "joined" && f.username === "ghost"
      );
      assert.deepEqual(joinedEvent.members, ["alive", "ghost"]);
      const started = Date.now();
      // Reading does not answer pings: the raw client never sends a pong.
      const drained = ghost.drain();
      const left = await alive.next(
        (f) => f.type === "left" && f.username === "ghost",
        10_000,
      );
      const elapsed = Date.now() - started;
      assert.deepEqual(left.members, ["alive"]);
      const bytes = await Promise.race([
        drained,
        new Promise<never>((_, reject) =>
          setTimeout(() => reject(new Error("ghost never cut off")), 5_000)
        ),
      ]);
      const { events } = serverEvents(bytes);
      assert.equal(events[0]?.type, "welcome", "the ghost did join");
      // The client that answers pings outlives several idle periods: each
      // later ghost's cut-off shows one more passed on the server's clock.
      for (const name of ["ghost2", "ghost3"]) {
        const later = await rawConnect(server.port, `/api/rooms/${room}/ws`);
        await later.send(JSON.stringify({ type: "join", username: name }));
        const cut = later.drain();
        await alive.next(
          (f) => f.type === "left" && f.username === name,
          10_000,
        );
        await cut;
      }
      assert.equal(alive.socket.readyState, WebSocket.OPEN);
      alive.send({ type: "message", text: "still here" });
      await alive.next((f) => f.type === "message" && f.text === "still here");
      const disconnect = jsonLogs(server.logs).find((l) =>
        l.event === "disconnect" && l.joined === true
      );
      assert.ok(disconnect, "the dead peer's disconnect is logged");
      assert.equal(typeof disconnect.code, "number");
      console.log(`ghost closed after ${elapsed} ms`, disconnect);
      await alive.close();
    });
  },
});

Deno.test({
  name:
    "limits: CHAT_MAX_CONNECTIONS refuses the next upgrade with 503 and Retry-After, until one closes",
  async fn() {
    await withServer({ CHAT_MAX_CONNECTIONS: "3" }, async (server) => {
      const room = freshRoom();
      const clients = [
        await joined(server, room, "one"),
        await joined(server, room, "two"),
        await joined(server, room, "three"),
      ];
      const full = await tryUpgrade(server.port, `/api/rooms/${room}/ws`);
      full.conn?.close();
      assert.equal(full.status, 503);
      assert.ok(Number(full.headers.get("retry-after")) > 0, "Retry-After");
      await assert.rejects(connect(server.url, `/api/rooms/${room}/ws`));
      const others = clients[0].received.filter((f: Frame) =>
        f.type === "joined"
      );
      assert.deepEqual(others.map((f) => f.username), ["two", "three"]);
      await clients[2].close();
      let fourth: TestClient | undefined;
      await until(async () => {
        try {
          fourth = await connect(server.url, `/api/rooms/${room}/ws`);
          return true;
        } catch {
          return false;
        }
      }, { what: "a free slot after a close", timeoutMs: 5_000 });
      assert.equal((await fourth!.join("four")).type, "welcome");
      const metrics = await scrape(server.url);
      assert.ok(
        (metrics.get('chat_connections_refused_total{reason="server_full"}') ??
          0) >= 2,
      );
      assert.equal(metrics.get("chat_connections"), 3);
      await Promise.all([
        clients[0].close(),
        clients[1].close(),
        fourth!.close(),
      ]);
    });
  },
});

Deno.test({
  name:
    "limits: CHAT_MAX_CONNECTIONS_PER_ADDRESS answers 429, per forwarded address behind a trusted proxy only",
  async fn(t) {
    const path = `/api/rooms/${freshRoom()}/ws`;
    await t.step(
      "direct clients: a third socket from 127.0.0.1 gets 429",
      async () => {
        await withServer(
          { CHAT_MAX_CONNECTIONS_PER_ADDRESS: "2" },
          async (server) => {
            const open = [
              await tryUpgrade(server.port, path),
              await tryUpgrade(server.port, path),
            ];
            try {
              assert.deepEqual(open.map((a) => a.status), [101, 101]);
              const third = await tryUpgrade(server.port, path);
              closeAll([third]);
              assert.equal(third.status, 429);
              // A forwarding header from a peer nobody trusts changes nothing.
              const forged = await tryUpgrade(server.port, path, {
                "x-forwarded-for": "203.0.113.9",
              });
              closeAll([forged]);
              assert.equal(forged.status, 429);
              closeAll(open.splice(0, 1));
              await until(async () => {
                const again = await tryUpgrade(server.port, path);
                if (again.status === 101) open.push(again);
                else closeAll([again]);
                return again.status === 101;
              }, { what: "a slot back after a close", timeoutMs: 5_000 });
            } finally {
              closeAll(open);
            }
          },
        );
      },
    );

    await t.step(
      "trusted proxy: the cap applies per X-Forwarded-For address",
      async () => {
        await withServer({
          CHAT_MAX_CONNECTIONS_PER_ADDRESS: "2",
          CHAT_TRUSTED_PROXIES: "127.0.0.1",
        }, async (server) => {
          const open: UpgradeAttempt[] = [];
          const from = async (forwarded?: string) => {
            const attempt = await tryUpgrade(
              server.port,
              path,
              forwarded === undefined ? {} : { "x-forwarded-for": forwarded },
            );
            if (attempt.status === 101) open.push(attempt);
            else closeAll([attempt]);
            return attempt.status;
          };
          try {
            assert.equal(await from("198.51.100.1"), 101);
            assert.equal(await from("198.51.100.1"), 101);
            assert.equal(await from("198.51.100.1"), 429);
            assert.equal(await from("198.51.100.2"), 101);
            // The rightmost hop that is not a trusted proxy is the client.
            assert.equal(await from("10.0.0.1, 198.51.100.2"), 101);
            assert.equal(await from("198.51.100.2, 127.0.0.1"), 429);
            // Without the header the proxy itself is the address.
            assert.equal(await from(), 101);
            assert.equal(await from(), 101);
            assert.equal(await from(), 429);
            const refused = jsonLogs(server.logs).filter((l) =>
              l.event === "connection_refused"
            );
            assert.deepEqual(refused.map((l) => l.address), [
              "198.51.100.1",
              "198.51.100.2",
              "127.0.0.1",
            ]);
          } finally {
            closeAll(open);
          }
        });
      },
    );

    await t.step(
      "untrusted peer: a forged X-Forwarded-For is ignored",
      async () => {
        await withServer({
          CHAT_MAX_CONNECTIONS_PER_ADDRESS: "2",
          CHAT_TRUSTED_PROXIES: "192.0.2.77",
        }, async (server) => {
          const open: UpgradeAttempt[] = [];
          try {
            for (const forwarded of ["198.51.100.1", "198.51.100.2"]) {
              open.push(
                await tryUpgrade(server.port, path, {
                  "x-forwarded-for": forwarded,
                }),
              );
            }
            assert.deepEqual(open.map((a) => a.status), [101, 101]);
            const third = await tryUpgrade(server.port, path, {
              "x-forwarded-for": "198.51.100.3",
            });
            closeAll([third]);
            assert.equal(third.status, 429);
            const refused = jsonLogs(server.logs).find((l) =>
              l.event === "connection_refused"
            );
            assert.equal(refused?.address, "127.0.0.1");
            const metrics = await scrape(server.url);
            assert.equal(
              metrics.get(
                'chat_connections_refused_total{reason="address_full"}',
              ),
              1,
            );
          } finally {
            closeAll(open);
          }
        });
      },
    );
  },
});

/** Sockets the default settings must allow from one loopback address. */
const MANY = 2_000;

Deno.test({
  name: `limits: the defaults allow ${MANY} sockets from loopback`,
  async fn() {
    // Each socket costs one descriptor here and one in the server.
    const limit = Deno.build.os === "linux"
      ? Number(
        /^Max open files\s+(\d+)/m.exec(
          Deno.readTextFileSync("/proc/self/limits"),
        )?.[1] ?? Infinity,
      )
      : Infinity;
    assert.ok(
      limit > MANY + 200,
      `the open-file limit (${limit}) is too low for ${MANY} sockets`,
    );
    await withServer({}, async (server) => {
      const room = freshRoom();
      const open: UpgradeAttempt[] = [];
      try {
        const path = `/api/rooms/${room}/ws`;
        for (let batch = 0; batch < MANY / 200; batch++) {
          const attempts = await Promise.all(
            Array.from({ length: 200 }, () => tryUpgrade(server.port, path)),
          );
          open.push(...attempts);
          const refused = attempts.filter((a) => a.status !== 101);
          assert.equal(
            refused.length,
            0,
            `refused: ${refused.map((a) => a.status)}`,
          );
        }
        await until(
          async () =>
            (await scrape(server.url)).get("chat_connections") === MANY,
          { what: `${MANY} connections counted` },
        );
        // The server still serves a normal chat next to them.
        const other = freshRoom();
        const a = await joined(server, other, "ann");
        const b = await joined(server, other, "bob");
        a.send({ type: "message", text: "among thousands" });
        await b.next((f) => f.type === "message");
        await Promise.all([a.close(), b.close()]);
      } finally {
        closeAll(open);
      }
      await until(
        async () => (await scrape(server.url)).get("chat_connections") === 0,
        { what: "every socket released", timeoutMs: 15_000 },
      );
    });
  },
});
