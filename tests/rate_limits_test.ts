/**
 * Rate limits that hold across reconnects: messages and joins are counted
 * per connection and per client address (per forwarded client behind a
 * trusted proxy), and a join/leave flapper costs the room bounded bytes.
 */
import assert from "node:assert/strict";
import {
  ADDRESS_JOIN_RATE_LIMIT,
  ADDRESS_RATE_LIMIT,
} from "../lib/chat/address_rates.ts";
import { JOIN_RATE_LIMIT, RATE_LIMIT } from "../lib/chat/connection_rates.ts";
import { withApp } from "./support/app_server.ts";
import {
  connect,
  type Frame,
  freshRoom,
  type TestClient,
} from "./support/ws_client.ts";

function from(address: string): { headers: Record<string, string> } {
  return { headers: { "x-forwarded-for": address } };
}

async function enter(
  url: string,
  options: { room: string; username: string; address: string; extra?: Frame },
): Promise<{ client: TestClient; welcome: Frame }> {
  const client = await connect(
    url,
    `/api/rooms/${options.room}/ws`,
    from(options.address),
  );
  return {
    client,
    welcome: await client.join(options.username, options.extra),
  };
}

/** Sends `count` messages and says how many were stored and how many refused. */
async function burst(
  client: TestClient,
  count: number,
): Promise<{ stored: number; limited: number }> {
  const tag = crypto.randomUUID().slice(0, 8);
  for (let i = 0; i < count; i++) {
    client.send({ type: "message", text: "hi", nonce: `${tag}-${i}` });
  }
  let stored = 0;
  let limited = 0;
  for (let i = 0; i < count; i++) {
    const answer = await client.next((f) => f.nonce === `${tag}-${i}`);
    if (answer.type === "message") stored++;
    else if (answer.code === "rate_limited") limited++;
  }
  return { stored, limited };
}

Deno.test({
  name:
    "message rate: reconnecting does not grant a fresh burst; another forwarded client has its own",
  async fn() {
    await withApp({ CHAT_TRUSTED_PROXIES: "127.0.0.1" }, async (server) => {
      const room = freshRoom();
      const started = performance.now();
      let stored = 0;
      let reconnects = 0;
      while (true) {
        const { client } = await enter(server.url, {
          room,
          username: `m${reconnects}`,
          address: "198.51.100.7",
        });
        const result = await burst(client, RATE_LIMIT.burst);
        await client.close();
        if (result.stored < RATE_LIMIT.burst) break;
        stored += result.stored;
        reconnects++;
        const seconds = (performance.now() - started) / 1000;
        assert.ok(
          stored <= ADDRESS_RATE_LIMIT.burst +
              seconds * ADDRESS_RATE_LIMIT.perSecond,
          `${stored} messages stored over ${reconnects} reconnects in ${
            seconds.toFixed(1)
          } s`,
        );
      }
      console.log(
        `address budget spent after ${reconnects} reconnects, ${stored} stored`,
      );
      // Another client behind the same proxy still has its whole budget.
      const { client: other } = await enter(server.url, {
        room,
        username: "other",
        address: "198.51.100.8",
      });
      assert.deepEqual(await burst(other, RATE_LIMIT.burst), {
        stored: RATE_LIMIT.burst,
        limited: 0,
      });
      await other.close();
    });
  },
});

Deno.test({
  name:
    "join rate: per connection, and a join/leave flapper is cut off across reconnects while the room's bytes stay bounded",
  async fn() {
    await withApp({ CHAT_TRUSTED_PROXIES: "127.0.0.1" }, async (server) => {
      const room = freshRoom();
      const { client: listener } = await enter(server.url, {
        room,
        username: "listener",
        address: "203.0.113.1",
      });
      const { client: coalesced } = await enter(server.url, {
        room,
        username: "coalesced",
        address: "203.0.113.2",
        extra: { presence: "coalesced" },
      });
      // One connection: name_taken answers, then rate_limited.
      const retry = await connect(
        server.url,
        `/api/rooms/${room}/ws`,
        from("203.0.113.3"),
      );
      const codes = [];
      for (let i = 0; i <= JOIN_RATE_LIMIT.burst; i++) {
        codes.push((await retry.join("listener")).code);
      }
      assert.deepEqual(codes, [
        ...Array(JOIN_RATE_LIMIT.burst).fill("name_taken"),
        "rate_limited",
      ]);
      await retry.close();
      // Reconnecting flapper from one address.
      let bytes = 0;
      listener.socket.addEventListener("message", (event) => {
        bytes += String(event.data).length;
      });
      const started = performance.now();
      let joins = 0;
      let cutOffAt: number | undefined;
      let joinsAfterCutOff = 0;
      let bytesAtCutOff = 0;
      const flapFor = ADDRESS_JOIN_RATE_LIMIT.burst + 400;
      for (let i = 0; i < flapFor; i++) {
        const { client, welcome } = await enter(server.url, {
          room,
          username: "flapper",
          address: "198.51.100.66",
        });
        await client.close();
        if (welcome.type === "welcome") {
          joins++;
          if (cutOffAt !== undefined) joinsAfterCutOff++;
        } else {
          assert.equal(welcome.code, "rate_limited");
          if (cutOffAt === undefined) {
            cutOffAt = performance.now();
            bytesAtCutOff = bytes;
          }
        }
        if (cutOffAt !== undefined && performance.now() - cutOffAt > 2_000) {
          break;
        }
      }
      const elapsed = (performance.now() - started) / 1000;
      console.log(
        `${joins} joins in ${elapsed.toFixed(1)} s, ${
          Math.round(bytes / elapsed / 1024)
        } KiB/s to each listener`,
      );
      assert.ok(cutOffAt !== undefined, `${joins} joins, never cut off`);
      const after = (performance.now() - cutOffAt) / 1000;
      const allowed = ADDRESS_JOIN_RATE_LIMIT.perSecond * after + 2;
      console.log(
        `${joins} joins in ${
          elapsed.toFixed(1)
        } s; after the cut-off ${joinsAfterCutOff} joins and ${
          Math.round((bytes - bytesAtCutOff) / after / 1024)
        } KiB/s to each listener`,
      );
      assert.ok(joinsAfterCutOff <= allowed, `${joinsAfterCutOff} joins`);
      // The barrier: a message after the flapping reaches both listeners.
      listener.send({ type: "message", text: "barrier" });
      await coalesced.next((f) => f.text === "barrier");
      const presence = coalesced.received.filter((f) => f.type === "presence");
      const windows = (performance.now() - started) / 100;
      assert.ok(
        presence.length <= windows + 2,
        `${presence.length} presence events in ${windows.toFixed(0)} windows`,
      );
      await Promise.all([listener.close(), coalesced.close()]);
    });
  },
});
