/**
 * A bare-bones WebSocket client over TCP for misbehaving on purpose: it can
 * stop reading, never answer pings, or send frames no browser would.
 */

/** A raw connection after a successful upgrade. */
export interface RawSocket {
  conn: Deno.TcpConn;
  /** Sends one masked frame (text by default). */
  send(data: string | Uint8Array, options?: { opcode?: number }): Promise<void>;
  /** Reads until the server closes the connection; returns every byte read after the upgrade. */
  drain(): Promise<Uint8Array>;
  close(): void;
}

function frame(payload: Uint8Array, opcode: number): Uint8Array {
  const mask = crypto.getRandomValues(new Uint8Array(4));
  const length = payload.length;
  const header = length < 126 ? 2 : length < 65536 ? 4 : 10;
  const out = new Uint8Array(header + 4 + length);
  out[0] = 0x80 | opcode;
  if (length < 126) out[1] = 0x80 | length;
  else if (length < 65536) {
    out[1] = 0x80 | 126;
    new DataView(out.buffer).setUint16(2, length);
  } else {
    out[1] = 0x80 | 127;
    new DataView(out.buffer).setBigUint64(2, BigInt(length));
  }
  out.set(mask, header);
  for (let i = 0; i < length; i++) {
    out[header + 4 + i] = payload[i] ^ mask[i % 4];
  }
  return out;
}

/** Opens `path` on 127.0.0.1:`port` and performs the upgrade handshake. */
export async function rawConnect(
  port: number,
  path: string,
): Promise<RawSocket> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  const key = btoa(
    String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))),
  );
  await conn.write(new TextEncoder().encode(
    `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\n` +
      `Connection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
  ));
  let head = "";
  const buf = new Uint8Array(1);
  while (!head.endsWith("\r\n\r\n")) {
    const n = await conn.read(buf);
    if (n === null) throw new Error(`closed during handshake: ${head}`);
    head += String.fromCharCode(buf[0]);
  }
  if (!head.startsWith("HTTP/1.1 101")) {
    throw new Error(`upgrade refused: ${head}`);
  }
  return {
    conn,
    async send(data, options = {}) {
      const payload = typeof data === "string"
        ? new TextEncoder().encode(data)
        : data;
      const bytes = frame(
        payload,
        options.opcode ?? (typeof data === "string" ? 1 : 2),
      );
      let written = 0;
      while (written < bytes.length) {
        written += await conn.write(bytes.subarray(written));
      }
    },
    async drain() {
      const chunks: Uint8Array[] = [];
      const chunk = new Uint8Array(65536);
      while (true) {
        let n: number | null;
        try {
          n = await conn.read(chunk);
        } catch {
          break;
        }
        if (n === null) break;
        chunks.push(chunk.slice(0, n));
      }
      const total = chunks.reduce((sum, c) => sum + c.length, 0);
      const all = new Uint8Array(total);
      let offset = 0;
      for (const c of chunks) {
        all.set(c, offset);
        offset += c.length;
      }
      return all;
    },
    close() {
      try {
        conn.close();
      } catch {
        // already closed
      }
    },
  };
}
