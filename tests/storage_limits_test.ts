/**
 * Issue 11, item 4: with the KV file on a real full disk (a 1 MiB tmpfs),
 * messages fail with `server_error`, `/healthz` answers 503 and the process
 * stays up and logs JSON; `CHAT_MAX_ROOMS` refuses a first message in one
 * room more with `room_limit`.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import {
  jsonLogs,
  processAlive,
  rawRequest,
  until,
} from "./support/hostile.ts";
import { startServer } from "./support/server.ts";
import { diskSupport, onSmallDisk, warnNoDisk } from "./support/small_disk.ts";
import { freshRoom, joined } from "./support/ws_client.ts";

const MAIN = fileURLToPath(new URL("../main.ts", import.meta.url));
/** Messages sent at most before the 1 MiB disk must be full. */
const MAX_SENDS = 2_000;

Deno.test("a full disk: server_error, /healthz 503, the process stays up", async () => {
  const support = await diskSupport();
  if (!support.ok) {
    warnNoDisk(support.reason);
    return;
  }
  const dir = await Deno.makeTempDir({ prefix: "chat_full_disk_" });
  const server = await startServer({
    command: onSmallDisk([Deno.execPath(), "run", "-A", MAIN], {
      dir,
      size: "1m",
    }),
    env: {
      CHAT_STORE: "kv",
      CHAT_KV_PATH: `${dir}/chat.kv`,
      CHAT_RATE_LIMIT: "off",
      // more than one isolate, so that "every isolate answering 503" means it
      CHAT_WORKERS: "2",
    },
  });
  try {
    const client = await joined(server, {
      room: freshRoom("full"),
      username: "filler",
    });
    const text = "x".repeat(1_900);
    let failure;
    for (let i = 0; i < MAX_SENDS && !failure; i++) {
      client.send({ type: "message", text, nonce: `n${i}` });
      const answer = await client.next((f) =>
        (f.type === "message" || f.type === "error") && f.nonce === `n${i}`
      );
      if (answer.type === "error") failure = answer;
    }
    assert.ok(failure, `the disk was not full after ${MAX_SENDS} messages`);
    assert.equal(failure.code, "server_error");
    const health = await fetch(`${server.url}/healthz`);
    assert.equal(health.status, 503);
    assert.deepEqual(await health.json(), { ok: false });
    // every isolate says so, over fresh connections (each may reach another
    // worker), once its next probe has run
    await until(async () => {
      for (let i = 0; i < 10; i++) {
        const res = await rawRequest(server.port, { path: "/healthz" });
        if (res.status !== 503) return false;
      }
      return true;
    }, { timeoutMs: 20_000, what: "every isolate answering 503" });
    const pid = server.pid;
    assert.ok(pid === undefined || processAlive(pid));
    await client.close();
  } finally {
    await server.stop();
    await Deno.remove(dir, { recursive: true });
  }
  for (const line of server.logs) {
    assert.doesNotThrow(() => JSON.parse(line), `not JSON: ${line}`);
  }
  assert.ok(jsonLogs(server.logs).some((r) => r.event === "store_failed"));
});

for (const store of ["memory", "kv"]) {
  Deno.test(`${store}: CHAT_MAX_ROOMS refuses a first message in one room more with room_limit`, async () => {
    const dir = await Deno.makeTempDir({ prefix: "chat_max_rooms_" });
    const server = await startServer({
      env: {
        CHAT_STORE: store,
        CHAT_KV_PATH: `${dir}/chat.kv`,
        CHAT_MAX_ROOMS: "2",
      },
    });
    try {
      const rooms = [freshRoom("a"), freshRoom("b"), freshRoom("c")];
      const answers = [];
      for (const room of rooms) {
        const client = await joined(server, { room, username: "ann" });
        client.send({ type: "message", text: "first", nonce: "n1" });
        answers.push(
          await client.next((f) =>
            (f.type === "message" || f.type === "error") && f.nonce === "n1"
          ),
        );
        client.send({ type: "message", text: "second", nonce: "n2" });
        answers.push(
          await client.next((f) =>
            (f.type === "message" || f.type === "error") && f.nonce === "n2"
          ),
        );
        await client.close();
      }
      assert.deepEqual(
        answers.map((a) => a.type === "error" ? a.code : a.type),
        [
          "message",
          "message",
          "message",
          "message",
          "room_limit",
          "room_limit",
        ],
      );
      assert.match(answers[4].message, /at most 2 rooms/);
      const old = await joined(server, { room: rooms[0], username: "bob" });
      old.send({ type: "message", text: "still fine", nonce: "n3" });
      const ok = await old.next((f) => f.nonce === "n3");
      assert.equal(ok.type, "message");
      await old.close();
    } finally {
      await server.stop();
      await Deno.remove(dir, { recursive: true });
    }
  });
}
