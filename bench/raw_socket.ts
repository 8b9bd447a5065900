/**
 * A bare WebSocket client over `Deno.connect` for load generation: one read
 * may carry many frames, and frames reach the caller as bytes, so a client
 * core costs far less per delivery than with `WebSocket` (no event, no
 * string per frame). Text frames only; answers pings; no extensions.
 */

const encoder = new TextEncoder();
const HEADER_END = encoder.encode("\r\n\r\n");

/** What a {@linkcode RawSocket} reports. */
export interface RawSocketHandlers {
  /** A complete text frame: `bytes[start..end)` (valid only during the call). */
  frame(bytes: Uint8Array, start: number, end: number): void;
  /** The connection ended; `code` of the server's close frame when there was one. */
  close(code: number | undefined): void;
}

function indexOfSequence(bytes: Uint8Array, end: number, needle: Uint8Array) {
  outer: for (let i = 0; i + needle.length <= end; i++) {
    for (let j = 0; j < needle.length; j++) {
      if (bytes[i + j] !== needle[j]) continue outer;
    }
    return i;
  }
  return -1;
}

/** A client WebSocket on a raw TCP connection. */
export class RawSocket {
  #conn: Deno.TcpConn;
  #handlers: RawSocketHandlers;
  #buffer = new Uint8Array(16 * 1024);
  #filled = 0;
  #writing: Promise<void> = Promise.resolve();
  #open = true;
  #closeCode: number | undefined;
  /** Headers of the server's upgrade response. */
  readonly headers = new Headers();

  private constructor(conn: Deno.TcpConn, handlers: RawSocketHandlers) {
    this.#conn = conn;
    this.#handlers = handlers;
  }

  /** Connects to `url` (`ws://host:port/path`), completes the upgrade, then reads frames until the end. */
  static async connect(
    url: string,
    handlers: RawSocketHandlers,
  ): Promise<RawSocket> {
    const { hostname, port, pathname } = new URL(url);
    const conn = await Deno.connect({ hostname, port: Number(port) });
    conn.setNoDelay(true);
    const socket = new RawSocket(conn, handlers);
    await socket.#writeAll(encoder.encode(
      `GET ${pathname} HTTP/1.1\r\nHost: ${hostname}:${port}\r\n` +
        "Upgrade: websocket\r\nConnection: Upgrade\r\n" +
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n" +
        "Sec-WebSocket-Version: 13\r\n\r\n",
    ));
    await socket.#handshake();
    socket.#readLoop();
    return socket;
  }

  /** True until the connection ends. */
  get open(): boolean {
    return this.#open;
  }

  /** Sends one text frame (masked with a zero key, as any key is allowed). */
  send(text: string): void {
    this.#sendFrame(0x1, encoder.encode(text));
  }

  /** Sends a close frame and ends the connection. */
  close(): void {
    if (!this.#open) return;
    this.#sendFrame(0x8, new Uint8Array([0x03, 0xe8]));
    this.#writing.finally(() => this.#end(undefined));
  }

  #sendFrame(opcode: number, payload: Uint8Array): void {
    if (!this.#open) return;
    const length = payload.length;
    const head = length < 126 ? 2 : length < 65536 ? 4 : 10;
    const frame = new Uint8Array(head + 4 + length);
    frame[0] = 0x80 | opcode;
    if (head === 2) frame[1] = 0x80 | length;
    else if (head === 4) {
      frame[1] = 0x80 | 126;
      frame[2] = length >> 8;
      frame[3] = length & 0xff;
    } else {
      frame[1] = 0x80 | 127;
      new DataView(frame.buffer).setBigUint64(2, BigInt(length));
    }
    frame.set(payload, head + 4);
    this.#writing = this.#writing.then(() => this.#writeAll(frame)).catch(
      () => this.#end(undefined),
    );
  }

  async #writeAll(bytes: Uint8Array): Promise<void> {
    let written = 0;
    while (written < bytes.length) {
      written += await this.#conn.write(bytes.subarray(written));
    }
  }

  async #fill(): Promise<boolean> {
    if (this.#filled === this.#buffer.length) {
      const bigger = new Uint8Array(this.#buffer.length * 2);
      bigger.set(this.#buffer);
      this.#buffer = bigger;
    }
    const read = await this.#conn.read(this.#buffer.subarray(this.#filled));
    if (read === null) return false;
    this.#filled += read;
    return true;
  }

  async #handshake(): Promise<void> {
    while (true) {
      const end = indexOfSequence(this.#buffer, this.#filled, HEADER_END);
      if (end !== -1) {
        const head = new TextDecoder().decode(this.#buffer.subarray(0, end));
        if (!/^HTTP\/1\.1 101/.test(head)) {
          this.#conn.close();
          throw new Error(`upgrade refused: ${head.split("\r\n")[0]}`);
        }
        for (const line of head.split("\r\n").slice(1)) {
          const colon = line.indexOf(":");
          if (colon > 0) {
            this.headers.append(line.slice(0, colon), line.slice(colon + 1));
          }
        }
        this.#consume(end + HEADER_END.length);
        return;
      }
      if (!await this.#fill()) throw new Error("closed during upgrade");
    }
  }

  #consume(count: number): void {
    this.#buffer.copyWithin(0, count, this.#filled);
    this.#filled -= count;
  }

  async #readLoop(): Promise<void> {
    try {
      do {
        const used = this.#parse();
        if (used > 0) this.#consume(used);
        if (!this.#open) return;
      } while (await this.#fill());
      this.#end(undefined);
    } catch {
      this.#end(undefined);
    }
  }

  /** Hands every complete frame to the handler; returns the bytes used. */
  #parse(): number {
    const bytes = this.#buffer;
    let at = 0;
    while (at + 2 <= this.#filled) {
      const opcode = bytes[at] & 0x0f;
      let length = bytes[at + 1] & 0x7f;
      let start = at + 2;
      if (length === 126) {
        if (start + 2 > this.#filled) break;
        length = (bytes[at + 2] << 8) | bytes[at + 3];
        start += 2;
      } else if (length === 127) {
        if (start + 8 > this.#filled) break;
        length = Number(new DataView(bytes.buffer).getBigUint64(at + 2));
        start += 8;
      }
      const end = start + length;
      if (end > this.#filled) {
        if (end > bytes.length) {
          const bigger = new Uint8Array(end * 2);
          bigger.set(bytes.subarray(0, this.#filled));
          this.#buffer = bigger;
        }
        break;
      }
      if (opcode === 0x1) this.#handlers.frame(bytes, start, end);
      else if (opcode === 0x9) {
        this.#sendFrame(0xa, bytes.slice(start, end));
      } else if (opcode === 0x8) {
        const code = length >= 2
          ? (bytes[start] << 8) | bytes[start + 1]
          : 1005;
        this.#closeCode = code;
        this.#sendFrame(0x8, bytes.slice(start, Math.min(end, start + 2)));
        this.#writing.finally(() => this.#end(code));
        return end;
      }
      at = end;
    }
    return at;
  }

  #end(code: number | undefined): void {
    if (!this.#open) return;
    code ??= this.#closeCode;
    this.#open = false;
    try {
      this.#conn.close();
    } catch {
      // already closed
    }
    this.#handlers.close(code);
  }
}
