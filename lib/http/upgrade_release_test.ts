import assert from "node:assert/strict";
import { serveHttp } from "../listener.ts";
import {
  isIdleTimerListener,
  released,
  releaseUpgradeRequest,
} from "./upgrade_release.ts";

Deno.test("idle-timer listener: only a close arrow that clears one timer", () => {
  const ws: Record<symbol, number> = {};
  const timer = Symbol("timer");
  const runtimes = () => clearTimeout(ws[timer]);
  assert.ok(isIdleTimerListener("close", runtimes));
  assert.ok(!isIdleTimerListener("message", runtimes));
  const more = () => {
    clearTimeout(ws[timer]);
    released.count += 0;
  };
  assert.ok(!isIdleTimerListener("close", more));
  assert.ok(!isIdleTimerListener("close", { handleEvent: runtimes }));
  assert.ok(!isIdleTimerListener("close", function clear() {}));
});

Deno.test("upgrade release: Deno's idle-timer listener is dropped, every other close listener still runs", async () => {
  const opened = Promise.withResolvers<WebSocket>();
  const closes: string[] = [];
  const closed = Promise.withResolvers<void>();
  const before = released.count;
  const server = serveHttp({
    hostname: "127.0.0.1",
    port: 0,
    log: () => {},
    maxOpen: Infinity,
    headerTimeoutMs: 10_000,
    upgraded: () => 0,
  }, (req) => {
    const { socket, response } = Deno.upgradeWebSocket(req, {
      idleTimeout: 30,
    });
    releaseUpgradeRequest(socket);
    socket.onopen = () => opened.resolve(socket);
    socket.onclose = (event) => closes.push(`onclose ${event.code}`);
    socket.addEventListener("close", () => {
      closes.push("listener");
      closed.resolve();
    });
    return response;
  });
  const client = new WebSocket(`ws://127.0.0.1:${server.addr.port}/`);
  const clientClosed = new Promise((resolve) => client.onclose = resolve);
  try {
    const socket = await opened.promise;
    // The runtime adds its listener synchronously right after `open`.
    assert.equal(
      released.count,
      before + 1,
      "Deno 2.9 adds one idle-timer close listener per upgrade",
    );
    socket.send("still open");
    const echoed = await new Promise((resolve) =>
      client.onmessage = (event) => resolve(event.data)
    );
    assert.equal(echoed, "still open");
    client.close(1000, "bye");
    await closed.promise;
    assert.deepEqual(closes, ["onclose 1000", "listener"]);
    await clientClosed;
  } finally {
    await server.shutdown();
  }
});
