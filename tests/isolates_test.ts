/** Server isolates in Web Workers of one process, sharing one KV file: the Deno Deploy shape, locally. */
import assert from "node:assert/strict";
import type { Config } from "../lib/config.ts";
import { until } from "./support/hostile.ts";
import {
  type Frame,
  freshRoom,
  joined,
  type TestClient,
} from "./support/ws_client.ts";

interface Isolate {
  url: string;
  stop(): Promise<void>;
}

async function startIsolate(config: Partial<Config>): Promise<Isolate> {
  const worker = new Worker(
    new URL("./support/isolate_worker.ts", import.meta.url),
    {
      type: "module",
    },
  );
  const reply = (type: string) =>
    new Promise<Frame>((resolve, reject) => {
      worker.onmessage = (e) => e.data.type === type && resolve(e.data);
      worker.onerror = (e) => {
        e.preventDefault();
        reject(new Error(e.message));
      };
    });
  const ready = reply("ready");
  worker.postMessage({
    type: "start",
    config: { ...config, port: 0 },
  });
  const { port } = await ready;
  return {
    url: `http://127.0.0.1:${port}`,
    async stop() {
      const stopped = reply("stopped");
      worker.postMessage({ type: "stop" });
      await stopped;
      worker.terminate();
    },
  };
}

for (const fanout of ["broadcast", "kv"] as const) {
  Deno.test({
    name:
      `isolates on one KV, fan-out ${fanout}: messages, presence and typing cross`,
    async fn() {
      const dir = await Deno.makeTempDir();
      const config = {
        store: "kv" as const,
        kvPath: `${dir}/chat.kv`,
        fanout,
        rateLimit: false,
        presenceTtlMs: 1000,
      };
      const [a, b] = await Promise.all([
        startIsolate(config),
        startIsolate(config),
      ]);
      try {
        const room = freshRoom();
        const ann = await joined(a, { room, username: "ann" });
        const bob = await joined(b, { room, username: "bob" });
        assert.deepEqual(bob.received[0].members, ["ann", "bob"]);
        const notice = await ann.next((f) => f.type === "joined");
        assert.deepEqual(notice.members, ["ann", "bob"]);
        for (let i = 0; i < 30; i++) {
          (i % 2 ? ann : bob).send({ type: "message", text: `m${i}` });
        }
        const count = (c: TestClient) =>
          c.received.filter((f) => f.type === "message").length;
        await until(() => count(ann) >= 30 && count(bob) >= 30, {
          timeoutMs: 60_000,
          what: "all 30 messages on both isolates",
        }).catch(() => {});
        const ids = (c: TestClient) =>
          c.received.filter((f) => f.type === "message").map((f) => f.id);
        assert.equal(ids(ann).length, 30);
        assert.deepEqual(ids(bob), ids(ann));
        assert.deepEqual([...ids(ann)].sort(), ids(ann));
        bob.send({ type: "typing" });
        assert.equal(
          (await ann.next((f) => f.type === "typing")).username,
          "bob",
        );
        const rooms = await (await fetch(`${a.url}/api/rooms`)).json();
        assert.equal(
          rooms.rooms.find((r: Frame) => r.room === room)?.online,
          2,
        );
        await bob.close();
        const left = await ann.next((f) => f.type === "left");
        assert.deepEqual(left.members, ["ann"]);
        await ann.close();
      } finally {
        await Promise.all([a.stop(), b.stop()]);
        await Deno.remove(dir, { recursive: true });
      }
    },
  });
}
