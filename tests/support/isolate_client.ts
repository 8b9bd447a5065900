/**
 * A test WebSocket that knows which server isolate took it (the
 * `x-chat-isolate` header of the upgrade), for servers of several isolates
 * or processes on one port.
 */
import { RawSocket } from "../../bench/raw_socket.ts";
import { ISOLATE_HEADER } from "../../lib/scale/isolate_header.ts";
import type { Frame } from "./ws_client.ts";

/** One socket and the isolate serving it. */
export interface IsolateClient {
  /** `p<process>-w<worker>` of the isolate that took the socket. */
  isolate: string;
  /** Every frame received so far (batch frames unpacked). */
  received: Frame[];
  send(frame: Frame): void;
  /** The first frame not yet taken that matches; fails after `timeoutMs`. */
  next(match?: (frame: Frame) => boolean, timeoutMs?: number): Promise<Frame>;
  /** Sends `join` and waits for the welcome (or an error). */
  join(username: string, extra?: Frame): Promise<Frame>;
  /** Close code of the server, once closed. */
  closed: Promise<number | undefined>;
  close(): Promise<void>;
}

const decoder = new TextDecoder();

/** Opens `/api/rooms/<room>/ws` on the server at `baseUrl` (http://…). */
export async function connectIsolate(
  baseUrl: string,
  room: string,
): Promise<IsolateClient> {
  const received: Frame[] = [];
  const taken = new Set<number>();
  let wake = () => {};
  let ended: (code: number | undefined) => void = () => {};
  const closed = new Promise<number | undefined>((resolve) => ended = resolve);
  let open = true;
  const socket = await RawSocket.connect(
    `${baseUrl.replace(/^http/, "ws")}/api/rooms/${room}/ws`,
    {
      frame(bytes, start, end) {
        const frame = JSON.parse(decoder.decode(bytes.subarray(start, end)));
        if (frame.type === "batch") received.push(...frame.events);
        else received.push(frame);
        wake();
      },
      close(code) {
        open = false;
        ended(code);
        wake();
      },
    },
  );
  const client: IsolateClient = {
    isolate: socket.headers.get(ISOLATE_HEADER) ?? "",
    received,
    send: (frame) => socket.send(JSON.stringify(frame)),
    async next(match = () => true, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (true) {
        const index = received.findIndex((f, i) => !taken.has(i) && match(f));
        if (index >= 0) {
          taken.add(index);
          return received[index];
        }
        const left = deadline - Date.now();
        if (!open || left <= 0) {
          throw new Error(
            `${
              open ? "timed out" : "closed"
            } waiting on ${client.isolate}; got ${
              JSON.stringify(received).slice(-500)
            }`,
          );
        }
        let timer: ReturnType<typeof setTimeout> | undefined;
        await new Promise<void>((resolve) => {
          wake = resolve;
          timer = setTimeout(resolve, left);
        });
        clearTimeout(timer);
      }
    },
    join(username, extra = {}) {
      client.send({ type: "join", username, ...extra });
      return client.next((f) => f.type === "welcome" || f.type === "error");
    },
    closed,
    async close() {
      socket.close();
      await closed;
    },
  };
  return client;
}

/**
 * Opens sockets to `room` until `isolates` different isolates hold one each
 * (the kernel picks by the connection's ports, so it may take a few), and
 * returns one per isolate, sorted by isolate; each extra socket is closed
 * before the next opens.
 */
export async function onEveryIsolate(
  baseUrl: string,
  options: { room: string; isolates: number; attempts?: number },
): Promise<IsolateClient[]> {
  const found = new Map<string, IsolateClient>();
  for (let i = 0; i < (options.attempts ?? 60); i++) {
    const client = await connectIsolate(baseUrl, options.room);
    if (!client.isolate) throw new Error("no isolate header");
    if (found.has(client.isolate)) await client.close();
    else found.set(client.isolate, client);
    if (found.size === options.isolates) break;
  }
  if (found.size < options.isolates) {
    throw new Error(
      `sockets reached ${[
        ...found.keys(),
      ]} only, not ${options.isolates} isolates`,
    );
  }
  return [...found.values()].sort((a, b) => a.isolate < b.isolate ? -1 : 1);
}
