/**
 * Bounded fuzz over real sockets: random bytes, random JSON, random field
 * types and sizes, and frames no browser sends (odd opcodes, fragments,
 * invalid UTF-8, bad handshakes), from several sockets at once. Afterwards the
 * server must be alive, healthy, not bloated, have released every socket and
 * room, logged no error, and still carry a normal chat.
 *
 * Replay a run with `FUZZ_SEED=<seed>` (printed at the start);
 * `FUZZ_ITERATIONS` changes the length and `FUZZ_STORE` the backend
 * (`memory` by default, `kv` in a temporary file).
 */
import assert from "node:assert/strict";
import { rawConnect, type RawSocket } from "./support/raw_ws.ts";
import {
  encodeFrame,
  jsonLogs,
  processAlive,
  residentBytes,
  scrape,
  until,
  UPGRADE_HEADERS,
} from "./support/hostile.ts";
import { startServer } from "./support/server.ts";
import { within } from "./support/within.ts";
import { connect, freshRoom } from "./support/ws_client.ts";

const encoder = new TextEncoder();

/** Most growth of the server's resident memory a fuzz run may cause. */
const MAX_RSS_GROWTH = 160 * 1024 * 1024;

/** A small seeded generator (mulberry32), so that a run can be replayed. */
class Random {
  #state: number;

  constructor(seed: number) {
    this.#state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    let t = (this.#state = (this.#state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = this.int(256);
    return out;
  }
}

/** Pieces of text that have broken parsers and renderers before. */
const ODD_TEXT = [
  "a",
  "é",
  "e\u0301",
  "Ω",
  "中",
  "😀",
  "👩‍👩‍👧",
  "\u0000",
  "\u0007",
  "\n",
  "\t",
  "\u00a0",
  "\u200b",
  "\u200d",
  "\u202e",
  "\u2028",
  "\u3164",
  "\ufeff",
  "\ufffd",
  "\uffff",
  "\ud800",
  "\udc00",
  "<",
  ">",
  "&",
  '"',
  "'",
  "\\",
  "</script>",
  "{{",
  "%s",
  "${x}",
  "__proto__",
  " ",
];

function oddString(rng: Random): string {
  const length = rng.pick([
    0,
    1,
    2,
    5,
    16,
    32,
    33,
    63,
    64,
    65,
    300,
    2000,
    2001,
  ]);
  let out = "";
  while (out.length < length) {
    out += rng.chance(0.6) ? rng.pick(ODD_TEXT) : String.fromCharCode(
      rng.chance(0.8) ? 0x20 + rng.int(0x5f) : rng.int(0x10000),
    );
  }
  return out;
}

const ODD_NUMBERS = [
  0,
  -0,
  1,
  -1,
  0.5,
  1e308,
  -1e308,
  5e-324,
  Number.MAX_SAFE_INTEGER + 2,
  2 ** 53,
  4294967297,
];

// deno-lint-ignore no-explicit-any
function randomJson(rng: Random, depth = 0): any {
  const kind = rng.int(depth > 4 ? 5 : 7);
  switch (kind) {
    case 0:
      return null;
    case 1:
      return rng.chance(0.5);
    case 2:
      return rng.chance(0.5) ? rng.pick(ODD_NUMBERS) : rng.next() * 1e6;
    case 3:
    case 4:
      return oddString(rng);
    case 5:
      return Array.from(
        { length: rng.int(5) },
        () => randomJson(rng, depth + 1),
      );
    default: {
      const out: Record<string, unknown> = {};
      for (let i = rng.int(5); i > 0; i--) {
        const key = rng.pick([
          "type",
          "username",
          "text",
          "nonce",
          "clientId",
          "since",
          "batch",
          "__proto__",
          "constructor",
          oddString(rng),
        ]);
        out[key] = randomJson(rng, depth + 1);
      }
      return out;
    }
  }
}

/** Number literals JSON.stringify never writes. */
const ODD_LITERALS = [
  "1e400",
  "-1e400",
  "123456789012345678901234567890",
  "-0.0000000000000000000001",
  "1E+2",
];

/** A text frame: garbage, random JSON, deep nesting, or a protocol frame with random fields. */
function textFrame(rng: Random, only?: "join"): string {
  const field = () =>
    rng.chance(0.5) ? oddString(rng) : JSON.stringify(randomJson(rng)) ?? null;
  switch (only === "join" ? rng.pick([3, 4, 4, 4]) : rng.int(9)) {
    case 0:
      return oddString(rng);
    case 1:
      return JSON.stringify(randomJson(rng)) ?? "undefined";
    case 2: {
      // Nesting up to the size limit (and, rarely, past it).
      const depth = rng.chance(0.9) ? rng.int(8192) : 8200;
      return rng.chance(0.5)
        ? "[".repeat(depth) + "]".repeat(depth)
        : '{"type":"join","username":' + '{"a":'.repeat(depth >> 2) +
          "null" + "}".repeat(depth >> 2) + "}";
    }
    case 3:
      return `{"type":"join","username":"n${rng.int(9)}","since":${
        rng.pick(ODD_LITERALS)
      }}`;
    case 4:
      return JSON.stringify({
        type: "join",
        username: rng.chance(0.5) ? `user${rng.int(50)}` : randomJson(rng),
        ...(rng.chance(0.5)
          ? { clientId: rng.chance(0.5) ? `c${rng.int(9)}` : randomJson(rng) }
          : {}),
        ...(rng.chance(0.5)
          ? { since: rng.chance(0.5) ? oddString(rng) : randomJson(rng) }
          : {}),
        ...(rng.chance(0.3) ? { batch: randomJson(rng) } : {}),
      });
    case 5:
    case 6:
      return JSON.stringify({
        type: "message",
        text: rng.chance(0.7) ? oddString(rng) : randomJson(rng),
        ...(rng.chance(0.5)
          ? { nonce: rng.chance(0.5) ? `n${rng.int(20)}` : randomJson(rng) }
          : {}),
      });
    case 7:
      return JSON.stringify({ type: "typing", extra: randomJson(rng) });
    default:
      return `{"type":${field()},"text":${field()}}`;
  }
}

/** A browser-like client that reconnects whenever the server closed it. */
class FuzzClient {
  #url: string;
  #socket: WebSocket | undefined;
  #welcomed = Promise.withResolvers<void>();
  closes = 0;

  constructor(url: string) {
    this.#url = url;
  }

  async socket(): Promise<WebSocket> {
    if (this.#socket?.readyState === WebSocket.OPEN) return this.#socket;
    if (this.#socket?.readyState === WebSocket.CLOSED) this.closes++;
    const socket = new WebSocket(this.#url);
    socket.onerror = () => {};
    await new Promise<void>((resolve, reject) => {
      socket.onopen = () => resolve();
      socket.onclose = () => reject(new Error(`could not open ${this.#url}`));
    });
    socket.onclose = null;
    socket.onmessage = (event) => {
      const data = typeof event.data === "string" ? event.data : "";
      if (data.includes('"type":"welcome"')) this.#welcomed.resolve();
    };
    this.#socket = socket;
    return socket;
  }

  /** Resolves once any of this client's sockets got a welcome. */
  welcomed(): Promise<void> {
    return this.#welcomed.promise;
  }

  async send(data: string | Uint8Array): Promise<void> {
    const socket = await this.socket();
    try {
      socket.send(data);
    } catch {
      // closed between the check and the send: the next call reconnects
    }
    while (socket.bufferedAmount > 256 * 1024) {
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  close(): void {
    try {
      this.#socket?.close();
    } catch {
      // already closed
    }
  }
}

/** A raw TCP client that reads and discards everything, and reconnects when cut off. */
class RawClient {
  #port: number;
  #path: string;
  #raw: RawSocket | undefined;
  #alive = false;
  cutOff = 0;

  constructor(port: number, path: string) {
    this.#port = port;
    this.#path = path;
  }

  async conn(): Promise<Deno.TcpConn> {
    if (this.#raw && this.#alive) return this.#raw.conn;
    if (this.#raw) {
      this.cutOff++;
      this.#raw.close();
    }
    const raw = await rawConnect(this.#port, this.#path);
    this.#raw = raw;
    this.#alive = true;
    (async () => {
      const buf = new Uint8Array(65_536);
      try {
        while (await raw.conn.read(buf) !== null) {
          // discard
        }
      } catch {
        // reset
      }
      if (this.#raw === raw) this.#alive = false;
    })();
    return raw.conn;
  }

  async write(bytes: Uint8Array): Promise<void> {
    const conn = await this.conn();
    try {
      let written = 0;
      while (written < bytes.length) {
        written += await conn.write(bytes.subarray(written));
      }
    } catch {
      this.#alive = false;
    }
  }

  /** Drops the connection (after a frame that leaves the server waiting). */
  drop(): void {
    this.#alive = false;
  }

  close(): void {
    this.#raw?.close();
  }
}

function splitBytes(
  rng: Random,
  bytes: Uint8Array,
  parts: number,
): Uint8Array[] {
  const cuts = Array.from(
    { length: parts - 1 },
    () => rng.int(bytes.length + 1),
  )
    .sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let from = 0;
  for (const cut of [...cuts, bytes.length]) {
    out.push(bytes.subarray(from, cut));
    from = cut;
  }
  return out;
}

/** One misbehaviour at the frame level, as bytes for a raw connection. */
function rawFrames(rng: Random): { bytes: Uint8Array[]; drop?: boolean } {
  const frame = encodeFrame;
  const json = () =>
    encoder.encode(
      rng.chance(0.5)
        ? JSON.stringify({ type: "join", username: `raw${rng.int(20)}` })
        : textFrame(rng),
    );
  switch (rng.int(14)) {
    case 0:
      return { bytes: [frame(rng.bytes(rng.int(126)), { opcode: 9 })] };
    case 1:
      return { bytes: [frame(rng.bytes(rng.int(126)), { opcode: 10 })] };
    case 2:
      return {
        bytes: [
          frame(rng.bytes(rng.int(200)), { opcode: 0, fin: rng.chance(0.5) }),
        ],
      };
    case 3:
      return {
        bytes: [
          frame(rng.bytes(rng.int(50)), {
            opcode: rng.pick([3, 4, 5, 6, 7, 11, 12, 13, 14, 15]),
          }),
        ],
      };
    case 4:
    case 5: {
      // A valid text message in fragments, cut anywhere (even inside a
      // character), sometimes with a ping between two fragments.
      const parts = splitBytes(rng, json(), 2 + rng.int(4));
      const bytes = parts.map((part, i) =>
        frame(part, { opcode: i === 0 ? 1 : 0, fin: i === parts.length - 1 })
      );
      if (rng.chance(0.3)) {
        bytes.splice(1, 0, frame(rng.bytes(4), { opcode: 9 }));
      }
      return { bytes };
    }
    case 6: {
      // Fragments adding up to more than 16 KiB.
      const piece = encoder.encode("x".repeat(4000));
      return {
        bytes: Array.from(
          { length: 5 },
          (_, i) => frame(piece, { opcode: i === 0 ? 1 : 0, fin: i === 4 }),
        ),
      };
    }
    case 7: {
      const invalid = rng.pick([
        [0xff],
        [0xc0, 0xaf],
        [0xed, 0xa0, 0x80],
        [0xf4, 0x90, 0x80, 0x80],
        [0xe2, 0x82],
      ]);
      const text = encoder.encode('{"type":"message","text":"');
      const bytes = new Uint8Array([...text, ...invalid, 0x22, 0x7d]);
      return { bytes: [frame(bytes, { opcode: 1 })] };
    }
    case 8:
      // A control frame too long, or fragmented.
      return {
        bytes: [
          rng.chance(0.5)
            ? frame(rng.bytes(126 + rng.int(100)), { opcode: 9 })
            : frame(rng.bytes(4), { opcode: 9, fin: false }),
        ],
      };
    case 9:
      return {
        bytes: [frame(json(), { opcode: 1, rsv: 1 + rng.int(7) })],
      };
    case 10:
      return { bytes: [frame(json(), { opcode: 1, mask: false })] };
    case 11: {
      const payload = new Uint8Array(2 + rng.int(20));
      new DataView(payload.buffer).setUint16(
        0,
        rng.pick([0, 999, 1000, 1004, 1005, 1006, 1015, 2999, 4000, 65535]),
      );
      payload.set(rng.bytes(payload.length - 2), 2);
      return { bytes: [frame(payload, { opcode: 8 })], drop: true };
    }
    case 12:
      // Announces far more than it sends, then goes away.
      return {
        bytes: [
          frame(rng.bytes(10), {
            opcode: rng.pick([1, 2]),
            claimedLength: rng.pick([70_000n, 10_000_000n, 2n ** 62n]),
          }),
        ],
        drop: true,
      };
    default:
      return { bytes: [rng.bytes(1 + rng.int(64))], drop: true };
  }
}

/** A broken HTTP request on its own connection: bad handshakes and garbage. */
async function badHandshake(
  rng: Random,
  port: number,
  room: string,
): Promise<void> {
  const headers: Record<string, string> = { ...UPGRADE_HEADERS };
  switch (rng.int(5)) {
    case 0:
      delete headers["sec-websocket-key"];
      break;
    case 1:
      headers["sec-websocket-version"] = rng.pick(["8", "", "x", "99999"]);
      break;
    case 2:
      headers["sec-websocket-key"] = oddString(rng).replace(/[\r\n\0]/g, "");
      break;
    case 3:
      headers.upgrade = "h2c";
      break;
  }
  let text =
    `GET /api/rooms/${room}/ws HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\n` +
    Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join("") +
    "connection: close\r\n\r\n";
  let bytes: Uint8Array = encoder.encode(text);
  if (rng.chance(0.3)) bytes = rng.bytes(1 + rng.int(300));
  else if (rng.chance(0.2)) {
    text = text.replace("HTTP/1.1", rng.pick(["HTTP/9.9", "", "HTTP/1.1 x"]));
    bytes = encoder.encode(text);
  }
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    await conn.write(bytes);
    const buf = new Uint8Array(4096);
    await Promise.race([
      conn.read(buf).catch(() => null),
      new Promise((r) => setTimeout(r, 500)),
    ]);
  } catch {
    // refused or reset: fine
  } finally {
    conn.close();
  }
}

Deno.test({
  name:
    "fuzz: random frames from many sockets leave the server alive, healthy and chatting",
  async fn() {
    const seed = Number(
      Deno.env.get("FUZZ_SEED") ?? Math.floor(Math.random() * 2 ** 32),
    );
    const iterations = Number(Deno.env.get("FUZZ_ITERATIONS") ?? 5000);
    const store = Deno.env.get("FUZZ_STORE") ?? "kv";
    console.log(
      `fuzz: seed ${seed}, ${iterations} iterations, ${store} store ` +
        `(replay with FUZZ_SEED=${seed})`,
    );
    const rng = new Random(seed);
    const dir = await Deno.makeTempDir();
    const server = await startServer({
      env: { CHAT_STORE: store, CHAT_KV_PATH: `${dir}/chat.kv` },
    });
    const clients: FuzzClient[] = [];
    const raws: RawClient[] = [];
    try {
      const pid = server.pid;
      const rooms = [freshRoom("fuzz"), freshRoom("fuzz")];
      const path = (i: number) => `/api/rooms/${rooms[i % 2]}/ws`;
      for (let i = 0; i < 6; i++) {
        clients.push(
          new FuzzClient(server.url.replace(/^http/, "ws") + path(i)),
        );
      }
      for (let i = 0; i < 3; i++) {
        raws.push(new RawClient(server.port, path(i)));
      }
      // Warm up (first sockets, first joins) before the baseline.
      await Promise.all(
        clients.map((c, i) =>
          c.send(JSON.stringify({ type: "join", username: `warm${i}` }))
        ),
      );
      await within(Promise.all(clients.map((c) => c.welcomed())), {
        what: "every warm-up join welcomed",
      });
      const rssBefore = pid === undefined ? undefined : residentBytes(pid);

      const started = Date.now();
      for (let i = 0; i < iterations; i++) {
        const roll = rng.next();
        if (roll < 0.55) {
          const client = rng.pick(clients);
          if (rng.chance(0.15)) {
            await client.send(
              rng.bytes(rng.chance(0.95) ? rng.int(300) : 17_000),
            );
          } else if (rng.chance(0.02)) {
            await client.send("x".repeat(rng.pick([16_385, 200_000])));
          } else {
            await client.send(textFrame(rng));
          }
        } else if (roll < 0.6) {
          // A fresh socket whose first frame is a fuzzed join; sometimes
          // closed at once, racing the join.
          const client = rng.pick(clients);
          client.close();
          await client.send(textFrame(rng, "join"));
          if (rng.chance(0.3)) client.close();
        } else if (roll < 0.68) {
          // Traffic that is valid, so that fan-out runs under the noise.
          const client = rng.pick(clients);
          await client.send(
            JSON.stringify({ type: "join", username: `u${rng.int(12)}` }),
          );
          await client.send(
            JSON.stringify({ type: "message", text: oddString(rng) || "hi" }),
          );
          await client.send('{"type":"typing"}');
        } else if (roll < 0.97) {
          const raw = rng.pick(raws);
          const { bytes, drop } = rawFrames(rng);
          for (const frame of bytes) await raw.write(frame);
          if (drop) raw.drop();
        } else {
          await badHandshake(rng, server.port, rooms[0]);
        }
        if (i % 25 === 24) await new Promise((r) => setTimeout(r, 1));
      }
      const elapsed = Date.now() - started;
      const reconnects = clients.reduce((n, c) => n + c.closes, 0) +
        raws.reduce((n, r) => n + r.cutOff, 0);
      console.log(
        `fuzz: ${iterations} iterations in ${elapsed} ms, ${reconnects} reconnects`,
      );

      for (const c of clients) c.close();
      for (const r of raws) r.close();
      // A live server's names never expire, so a leaked one keeps its room
      // listed and this wait fails; a release still being committed does not.
      let listed: unknown[] = [];
      await until(async () => {
        const m = await scrape(server.url);
        const res = await fetch(`${server.url}/api/rooms`);
        listed = (await res.json()).rooms;
        return m.get("chat_connections") === 0 && m.get("chat_rooms") === 0 &&
          listed.length === 0;
      }, { what: "every fuzz socket and room released", timeoutMs: 60_000 })
        .catch((error) => {
          assert.deepEqual(listed, [], "nobody is left listed online");
          throw error;
        });
      const metrics = await scrape(server.url);
      assert.ok(
        (metrics.get('chat_frames_rejected_total{reason="bad_frame"}') ?? 0) >
          0,
        "the fuzz reached the frame parser",
      );

      if (pid === undefined) {
        console.log("fuzz: server pid not found; memory not measured");
      } else {
        assert.ok(processAlive(pid), "the server process died");
        const rssAfter = residentBytes(pid)!;
        console.log(
          `fuzz: server RSS ${(rssBefore! / 2 ** 20).toFixed(1)} MiB → ` +
            `${(rssAfter / 2 ** 20).toFixed(1)} MiB`,
        );
        assert.ok(
          rssAfter - rssBefore! < MAX_RSS_GROWTH,
          `memory grew by ${
            ((rssAfter - rssBefore!) / 2 ** 20).toFixed(1)
          } MiB`,
        );
      }
      const health = await fetch(`${server.url}/healthz`);
      assert.equal(health.status, 200);
      assert.deepEqual(await health.json(), { ok: true });

      const problems = server.logs.filter((line) =>
        /uncaught|panicked|unhandled/i.test(line) ||
        jsonLogs([line])[0]?.level === "error"
      );
      assert.deepEqual(problems, [], "errors in the server log");

      const room = freshRoom("after-fuzz");
      const alice = await connect(server.url, `/api/rooms/${room}/ws`);
      const bob = await connect(server.url, `/api/rooms/${room}/ws`);
      assert.equal((await alice.join("alice")).type, "welcome");
      const welcome = await bob.join("bob");
      assert.deepEqual(welcome.members, ["alice", "bob"]);
      alice.send({ type: "message", text: "still standing" });
      assert.equal(
        (await bob.next((f) => f.type === "message")).text,
        "still standing",
      );
      bob.send({ type: "message", text: "indeed" });
      assert.equal(
        (await alice.next((f) => f.type === "message" && f.text === "indeed"))
          .username,
        "bob",
      );
      await Promise.all([alice.close(), bob.close()]);
    } finally {
      for (const c of clients) c.close();
      for (const r of raws) r.close();
      await server.stop();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
