/**
 * Observability over a real server: `/metrics` in the Prometheus text format
 * with values that match a short chat, and one JSON object per log line.
 */
import assert from "node:assert/strict";
import {
  jsonLogs,
  parseMetrics,
  tryUpgrade,
  until,
} from "./support/hostile.ts";
import { startServer } from "./support/server.ts";
import { connect, freshRoom } from "./support/ws_client.ts";

/** One sample line of the text format: a name, optional labels, a number. */
const SAMPLE =
  /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*"(,[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*")*\})? (-?[0-9.e+-]+|NaN|[+-]Inf)$/;

/** Fails unless `text` is well-formed Prometheus text: every sample belongs to a family with HELP and TYPE. */
function assertPrometheusText(text: string): void {
  assert.ok(text.endsWith("\n"), "ends with a newline");
  const typed = new Map<string, string>();
  const helped = new Set<string>();
  for (const line of text.trimEnd().split("\n")) {
    const meta = /^# (HELP|TYPE) (\S+) (.+)$/.exec(line);
    if (meta) {
      if (meta[1] === "HELP") helped.add(meta[2]);
      else typed.set(meta[2], meta[3]);
      continue;
    }
    assert.match(line, SAMPLE);
    const name = line.split(/[{ ]/)[0];
    const family = [name, name.replace(/_(bucket|sum|count)$/, "")].find((n) =>
      typed.has(n)
    );
    assert.ok(family, `${name} has no TYPE line`);
    assert.ok(helped.has(family), `${family} has no HELP line`);
  }
}

Deno.test({
  name:
    "observability: /metrics counts a short chat, and every log line is one JSON object",
  async fn() {
    const server = await startServer({ env: { CHAT_LOG_LEVEL: "debug" } });
    let stopped = false;
    try {
      const room = freshRoom();
      const alice = await connect(server.url, `/api/rooms/${room}/ws`);
      const bob = await connect(server.url, `/api/rooms/${room}/ws`);
      assert.equal((await alice.join("alice")).type, "welcome");
      assert.equal((await bob.join("bob")).type, "welcome");
      for (const text of ["one", "two", "three"]) {
        alice.send({ type: "message", text });
        await bob.next((f) => f.type === "message" && f.text === text);
        await alice.next((f) => f.type === "message" && f.text === text);
      }
      bob.send(new Uint8Array([0xde, 0xad]));
      bob.send("{not json");
      await bob.next((f) => f.type === "error" && f.code === "bad_frame");
      await bob.next((f) => f.type === "error" && f.code === "bad_frame");
      alice.send({ type: "message", text: " " });
      await alice.next((f) => f.type === "error");
      const foreign = await tryUpgrade(server.port, `/api/rooms/${room}/ws`, {
        origin: "https://elsewhere.example",
      });
      assert.equal(foreign.status, 403);
      const carol = await connect(server.url, `/api/rooms/${freshRoom()}/ws`);
      await carol.close();

      await until(async () => {
        const now = parseMetrics(
          await (await fetch(`${server.url}/metrics`))
            .text(),
        );
        return now.get('chat_socket_closes_total{reason="client"}') === 1 &&
          now.get("chat_connections") === 2;
      }, { what: "carol's close counted" });
      const res = await fetch(`${server.url}/metrics`);
      assert.equal(res.status, 200);
      assert.match(res.headers.get("content-type") ?? "", /^text\/plain/);
      const text = await res.text();
      assertPrometheusText(text);
      const metrics = parseMetrics(text);
      const expect: Record<string, number> = {
        chat_connections: 2,
        chat_connections_opened_total: 3,
        chat_rooms: 1,
        chat_messages_received_total: 3,
        chat_messages_delivered_total: 6,
        'chat_frames_rejected_total{reason="bad_frame"}': 2,
        'chat_frames_rejected_total{reason="invalid_message"}': 1,
        'chat_connections_refused_total{reason="origin"}': 1,
        chat_delivery_latency_seconds_count: 3,
        'chat_delivery_latency_seconds_bucket{le="+Inf"}': 3,
      };
      for (const [name, value] of Object.entries(expect)) {
        assert.equal(metrics.get(name), value, name);
      }
      assert.ok(text.includes("chat_socket_closes_total"));
      const sum = metrics.get("chat_delivery_latency_seconds_sum")!;
      assert.ok(sum >= 0 && sum < 3 * 2.5, `latency sum ${sum}`);
      const buckets = [...metrics].filter(([k]) =>
        k.startsWith("chat_delivery_latency_seconds_bucket")
      ).map(([, v]) => v);
      assert.ok(buckets.length >= 2);
      assert.deepEqual(
        buckets,
        [...buckets].sort((a, b) => a - b),
        "cumulative",
      );

      await alice.close();
      await until(
        async () =>
          parseMetrics(await (await fetch(`${server.url}/metrics`)).text())
            .get("chat_connections") === 1,
        { what: "alice's close counted" },
      );
      assert.equal(await server.stop("SIGTERM"), 0);
      stopped = true;
      assert.equal((await bob.closed).code, 1001);

      const lines = server.logs.filter((l) => l.trim() !== "");
      const logs = jsonLogs(lines);
      assert.equal(logs.length, lines.length, "a log line is not JSON");
      for (const log of logs) {
        assert.ok(!Number.isNaN(Date.parse(String(log.time))), "time");
        assert.ok(
          ["debug", "info", "warn", "error"].includes(String(log.level)),
          `level ${log.level}`,
        );
        assert.equal(typeof log.event, "string");
        assert.notEqual(log.level, "error", JSON.stringify(log));
      }
      const events = logs.map((l) => l.event);
      for (
        const event of ["start", "connect", "disconnect", "shutdown", "stopped"]
      ) {
        assert.ok(events.includes(event), `no ${event} line`);
      }
      assert.ok(events.indexOf("start") < events.indexOf("connect"));
      assert.ok(events.indexOf("shutdown") < events.lastIndexOf("stopped"));
      const disconnects = logs.filter((l) => l.event === "disconnect");
      for (const line of disconnects) {
        assert.equal(typeof line.code, "number", JSON.stringify(line));
        assert.equal(typeof line.reason, "string", JSON.stringify(line));
      }
      assert.ok(
        disconnects.some((l) => l.joined === true && l.reason === "client"),
        "alice's disconnect",
      );
      assert.ok(
        logs.some((l) =>
          l.event === "connection_refused" && l.level === "warn" &&
          l.reason === "origin"
        ),
      );
    } finally {
      if (!stopped) await server.stop();
    }
  },
});
