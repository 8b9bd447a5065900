/** A WebSocket test client that queues what the server sends and waits for it. */

// deno-lint-ignore no-explicit-any
export type Frame = Record<string, any>;

/** One connected client. */
export interface TestClient {
  socket: WebSocket;
  /** Every frame received so far (batch frames unpacked). */
  received: Frame[];
  /** Sends a JSON frame, or a raw string/bytes as they are. */
  send(frame: Frame | string | Uint8Array): void;
  /** The first frame not yet taken that matches (others stay for later calls); fails after `timeoutMs`. */
  next(match?: (frame: Frame) => boolean, timeoutMs?: number): Promise<Frame>;
  /** Sends `join` and waits for the welcome (or an error). */
  join(username: string, extra?: Frame): Promise<Frame>;
  /** Resolves with the close event. */
  closed: Promise<CloseEvent>;
  close(): Promise<void>;
}

/** Options of {@linkcode connect}. */
export interface ConnectOptions {
  /** Sent as the Origin header (Deno's WebSocket takes headers). */
  headers?: Record<string, string>;
}

function summary(frames: Frame[]): string {
  const text = JSON.stringify(frames);
  return text.length <= 600
    ? text
    : `${frames.length} frames, ending …${text.slice(-500)}`;
}

/** Opens a socket to `path` on `baseUrl` and resolves once it is open. */
export async function connect(
  baseUrl: string,
  path: string,
  options: ConnectOptions = {},
): Promise<TestClient> {
  const url = baseUrl.replace(/^http/, "ws") + path;
  const socket = options.headers
    // Deno's WebSocket takes headers; the DOM typings in scope do not know it.
    ? new WebSocket(url, { headers: options.headers } as unknown as string[])
    : new WebSocket(url);
  const received: Frame[] = [];
  const taken = new Set<number>();
  const waiters: (() => void)[] = [];
  const wake = () => waiters.splice(0).forEach((w) => w());
  socket.onmessage = (event) => {
    const frame = JSON.parse(event.data);
    if (frame.type === "batch") received.push(...frame.events);
    else received.push(frame);
    wake();
  };
  const closed = new Promise<CloseEvent>((resolve) => {
    socket.addEventListener("close", (event) => {
      resolve(event);
      wake();
    });
  });
  await new Promise<void>((resolve, reject) => {
    socket.onopen = () => resolve();
    socket.onerror = () => reject(new Error(`could not open ${url}`));
  });
  socket.onerror = () => {};
  const client: TestClient = {
    socket,
    received,
    send(frame) {
      socket.send(
        typeof frame === "string" || frame instanceof Uint8Array
          ? frame
          : JSON.stringify(frame),
      );
    },
    async next(match = () => true, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (true) {
        for (let i = 0; i < received.length; i++) {
          if (!taken.has(i) && match(received[i])) {
            taken.add(i);
            return received[i];
          }
        }
        if (socket.readyState === WebSocket.CLOSED) {
          throw new Error(
            `socket closed while waiting; got ${summary(received)}`,
          );
        }
        const left = deadline - Date.now();
        if (left <= 0) {
          throw new Error(
            `timed out waiting; got ${summary(received)}`,
          );
        }
        let timer: ReturnType<typeof setTimeout> | undefined;
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
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
      if (socket.readyState !== WebSocket.CLOSED) socket.close();
      await closed;
    },
  };
  return client;
}

/** A room name no other test uses. */
export function freshRoom(prefix = "room"): string {
  return `${prefix}-${crypto.randomUUID().slice(0, 8)}`;
}

/** Options of {@linkcode joined}. */
export interface JoinedOptions {
  room: string;
  username: string;
  /** More `join` fields (clientId, since, batch, presence). */
  extra?: Frame;
}

/** Connects to a room on `server` and joins; fails unless the answer is a welcome. */
export async function joined(
  server: { url: string },
  options: JoinedOptions,
): Promise<TestClient> {
  const client = await connect(server.url, `/api/rooms/${options.room}/ws`);
  const welcome = await client.join(options.username, options.extra);
  if (welcome.type !== "welcome") {
    await client.close();
    throw new Error(`join refused: ${JSON.stringify(welcome)}`);
  }
  return client;
}
