/**
 * Tools for hostile end-to-end tests: raw HTTP requests with exact paths and
 * headers, WebSocket frames no browser would send, a reader of server frames,
 * the server's metrics and its process's memory.
 */

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** The head and body of an HTTP response read off a raw connection. */
export interface RawResponse {
  status: number;
  /** Header names in lower case. */
  headers: Headers;
  body: string;
}

/** The WebSocket handshake headers that make a request an upgrade. */
export const UPGRADE_HEADERS: Readonly<Record<string, string>> = {
  upgrade: "websocket",
  connection: "Upgrade",
  "sec-websocket-version": "13",
  "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==",
};

function parseHead(head: string): { status: number; headers: Headers } {
  const [statusLine, ...lines] = head.split("\r\n");
  const status = Number(statusLine.split(" ")[1]);
  const headers = new Headers();
  for (const line of lines) {
    const colon = line.indexOf(":");
    if (colon > 0) {
      headers.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
    }
  }
  return { status, headers };
}

async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  let written = 0;
  while (written < bytes.length) {
    written += await conn.write(bytes.subarray(written));
  }
}

function requestText(
  port: number,
  options: { method?: string; path: string; headers?: Record<string, string> },
): string {
  const headers = { host: `127.0.0.1:${port}`, ...options.headers };
  return `${options.method ?? "GET"} ${options.path} HTTP/1.1\r\n` +
    Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join("") +
    "\r\n";
}

/** Reads from `conn` until the end of the HTTP head; returns it and any bytes read past it. */
async function readHead(
  conn: Deno.Conn,
): Promise<{ head: string; rest: Uint8Array }> {
  let bytes = new Uint8Array(0);
  const chunk = new Uint8Array(16_384);
  while (true) {
    const text = decoder.decode(bytes);
    const end = text.indexOf("\r\n\r\n");
    if (end >= 0) {
      const headBytes = encoder.encode(text.slice(0, end + 4)).length;
      return { head: text.slice(0, end), rest: bytes.slice(headBytes) };
    }
    const n = await conn.read(chunk);
    if (n === null) {
      throw new Error(`connection closed during the response head: ${text}`);
    }
    const grown = new Uint8Array(bytes.length + n);
    grown.set(bytes);
    grown.set(chunk.subarray(0, n), bytes.length);
    bytes = grown;
  }
}

/**
 * Sends one HTTP/1.1 request with the path exactly as given (no URL
 * normalisation, unlike `fetch`) and reads the whole response (by its
 * `Content-Length`, its chunks, or to the end of the connection).
 */
export async function rawRequest(
  port: number,
  options: { method?: string; path: string; headers?: Record<string, string> },
): Promise<RawResponse> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    await writeAll(
      conn,
      encoder.encode(requestText(port, {
        ...options,
        headers: { connection: "close", ...options.headers },
      })),
    );
    const { head, rest } = await readHead(conn);
    const { status, headers } = parseHead(head);
    const chunked = headers.get("transfer-encoding")?.includes("chunked");
    const length = headers.get("content-length");
    let all = rest;
    const done = () =>
      length !== null
        ? all.length >= Number(length)
        : chunked
        ? decoder.decode(all.subarray(-5)) === "0\r\n\r\n"
        : options.method === "HEAD" || status === 304 || status < 200;
    const chunk = new Uint8Array(65_536);
    while (!done()) {
      const n = await conn.read(chunk).catch(() => null);
      if (n === null) break;
      const grown = new Uint8Array(all.length + n);
      grown.set(all);
      grown.set(chunk.subarray(0, n), all.length);
      all = grown;
    }
    return {
      status,
      headers,
      body: decoder.decode(chunked ? dechunk(all) : all),
    };
  } finally {
    try {
      conn.close();
    } catch {
      // already closed
    }
  }
}

function dechunk(bytes: Uint8Array): Uint8Array {
  const pieces: Uint8Array[] = [];
  let at = 0;
  while (at < bytes.length) {
    let lineEnd = at;
    while (lineEnd + 1 < bytes.length && bytes[lineEnd] !== 13) lineEnd++;
    const size = parseInt(decoder.decode(bytes.subarray(at, lineEnd)), 16);
    if (!(size > 0)) break;
    pieces.push(bytes.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
  const out = new Uint8Array(pieces.reduce((s, p) => s + p.length, 0));
  let offset = 0;
  for (const p of pieces) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/** An upgrade attempt: its status and headers, and the open connection when it was accepted (101). */
export interface UpgradeAttempt {
  status: number;
  headers: Headers;
  /** The upgraded connection (status 101 only); close it when done. */
  conn?: Deno.TcpConn;
}

/**
 * Asks for a WebSocket upgrade of `path` with extra `headers` (Origin,
 * X-Forwarded-For, …) and reports what the server answered. An accepted
 * socket stays open (never read, never answering pings) until closed.
 */
export async function tryUpgrade(
  port: number,
  path: string,
  headers: Record<string, string> = {},
): Promise<UpgradeAttempt> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    await writeAll(
      conn,
      encoder.encode(requestText(port, {
        path,
        headers: { ...UPGRADE_HEADERS, ...headers },
      })),
    );
    const { head } = await readHead(conn);
    const { status, headers: answer } = parseHead(head);
    if (status === 101) return { status, headers: answer, conn };
    conn.close();
    return { status, headers: answer };
  } catch (error) {
    conn.close();
    throw error;
  }
}

/** Options of {@linkcode encodeFrame}; the defaults make a normal client frame. */
export interface FrameOptions {
  opcode: number;
  /** Final fragment (default true). */
  fin?: boolean;
  /** The three reserved bits, 0–7 (default 0). */
  rsv?: number;
  /** Clients must mask; false sends an unmasked frame (default true). */
  mask?: boolean;
  /** A length to announce instead of the payload's own. */
  claimedLength?: bigint;
}

/** One WebSocket frame as bytes, with every header bit under the caller's control. */
export function encodeFrame(
  payload: Uint8Array,
  options: FrameOptions,
): Uint8Array {
  const masked = options.mask ?? true;
  const length = options.claimedLength ?? BigInt(payload.length);
  const header = length < 126n ? 2 : length < 65536n ? 4 : 10;
  const out = new Uint8Array(header + (masked ? 4 : 0) + payload.length);
  out[0] = ((options.fin ?? true) ? 0x80 : 0) | ((options.rsv ?? 0) << 4) |
    (options.opcode & 0x0f);
  const maskBit = masked ? 0x80 : 0;
  const view = new DataView(out.buffer);
  if (length < 126n) out[1] = maskBit | Number(length);
  else if (length < 65536n) {
    out[1] = maskBit | 126;
    view.setUint16(2, Number(length));
  } else {
    out[1] = maskBit | 127;
    view.setBigUint64(2, length);
  }
  if (!masked) {
    out.set(payload, header);
    return out;
  }
  const mask = crypto.getRandomValues(new Uint8Array(4));
  out.set(mask, header);
  for (let i = 0; i < payload.length; i++) {
    out[header + 4 + i] = payload[i] ^ mask[i % 4];
  }
  return out;
}

/** One frame from the server (servers never mask). */
export interface ServerFrame {
  fin: boolean;
  opcode: number;
  payload: Uint8Array;
}

/**
 * Splits bytes received from the server into frames; returns the complete
 * frames and the bytes of an incomplete last one.
 */
export function decodeFrames(
  bytes: Uint8Array,
): { frames: ServerFrame[]; rest: Uint8Array } {
  const frames: ServerFrame[] = [];
  let at = 0;
  while (bytes.length - at >= 2) {
    const fin = (bytes[at] & 0x80) !== 0;
    const opcode = bytes[at] & 0x0f;
    let length = bytes[at + 1] & 0x7f;
    let header = 2;
    const view = new DataView(bytes.buffer, bytes.byteOffset);
    if (length === 126) {
      if (bytes.length - at < 4) break;
      length = view.getUint16(at + 2);
      header = 4;
    } else if (length === 127) {
      if (bytes.length - at < 10) break;
      length = Number(view.getBigUint64(at + 2));
      header = 10;
    }
    if (bytes.length - at < header + length) break;
    frames.push({
      fin,
      opcode,
      payload: bytes.slice(at + header, at + header + length),
    });
    at += header + length;
  }
  return { frames, rest: bytes.slice(at) };
}

/**
 * The JSON events and the close code in everything a raw client read: text
 * frames parsed, the close frame's code (1005 when it carried none), or
 * undefined when the connection ended without a close frame.
 */
export function serverEvents(
  bytes: Uint8Array,
): { events: Record<string, unknown>[]; closeCode?: number } {
  const { frames } = decodeFrames(bytes);
  const events: Record<string, unknown>[] = [];
  let closeCode: number | undefined;
  for (const frame of frames) {
    if (frame.opcode === 1) {
      const parsed = JSON.parse(decoder.decode(frame.payload));
      if (parsed.type === "batch") events.push(...parsed.events);
      else events.push(parsed);
    } else if (frame.opcode === 8) {
      closeCode = frame.payload.length >= 2
        ? new DataView(frame.payload.buffer).getUint16(0)
        : 1005;
    }
  }
  return { events, closeCode };
}

/** Polls `check` every 50 ms until it holds; fails with `what` after `timeoutMs` (30 s by default, for a busy machine). */
export async function until(
  check: () => Promise<boolean> | boolean,
  options: { timeoutMs?: number; what?: string } = {},
): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  while (!(await check())) {
    if (Date.now() > deadline) {
      throw new Error(`${options.what ?? "condition"} not reached in time`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Every sample of a Prometheus text exposition, keyed by name and labels as written (`name{a="b"}`). */
export function parseMetrics(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const space = line.lastIndexOf(" ");
    samples.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return samples;
}

/** Fetches `/metrics` of the server at `baseUrl` and parses it. */
export async function scrape(baseUrl: string): Promise<Map<string, number>> {
  const res = await fetch(`${baseUrl}/metrics`);
  if (!res.ok) throw new Error(`/metrics answered ${res.status}`);
  return parseMetrics(await res.text());
}

/** Resident memory of `pid` in bytes (VmRSS), or undefined when unreadable. */
export function residentBytes(pid: number): number | undefined {
  try {
    const status = Deno.readTextFileSync(`/proc/${pid}/status`);
    const found = /^VmRSS:\s+(\d+) kB/m.exec(status);
    return found ? Number(found[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** True while `pid` runs (exists and is not a zombie). */
export function processAlive(pid: number): boolean {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    const state = stat.slice(stat.lastIndexOf(")") + 2).split(" ")[0];
    return state !== "Z" && state !== "X";
  } catch {
    return false;
  }
}

/** The server's log lines that are JSON objects, parsed. */
export function jsonLogs(logs: readonly string[]): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const line of logs) {
    try {
      const value = JSON.parse(line);
      if (value && typeof value === "object") out.push(value);
    } catch {
      // not JSON
    }
  }
  return out;
}
