/**
 * The HTTP listener, with its own accept loop. `Deno.serve` (Deno 2.9) ends
 * its accept loop, and so the process, on the first "Too many open files",
 * and keeps a connection that never sends a request open for good. Here a
 * failed accept is retried after a pause, connections are counted against a
 * budget below the descriptor limit (refused with a plain 503 beyond it),
 * and a connection that sends no complete request head in time is closed.
 * Each connection is served by the runtime's HTTP/1.1 connection server
 * (`Deno.serveHttp`); where that is missing (Deno Deploy, a later Deno),
 * {@linkcode serveHttp} falls back to `Deno.serve`.
 */
import { Deadlines } from "./deadlines.ts";
import { errorFields, type Logger } from "./log.ts";

/** Descriptors kept free for everything but client connections: store files, Redis, logs, the listener. */
export const DESCRIPTOR_HEADROOM = 64;
/** Connections of the descriptor budget kept for plain HTTP (health checks, 503 answers) when WebSockets take the rest. */
export const HTTP_RESERVE = 32;
/** Default of `CHAT_HEADER_TIMEOUT_MS`: how long a connection may take to send a request head. */
export const HEADER_TIMEOUT_MS = 10_000;
/** First pause before accepting again after an accept failed (doubles up to {@linkcode MAX_ACCEPT_RETRY_MS}). */
export const ACCEPT_RETRY_MS = 50;
/** Longest pause between accept attempts while they keep failing. */
export const MAX_ACCEPT_RETRY_MS = 1_000;

/** The soft limit on open files of this process (Linux), or undefined when unknown, unlimited or not readable. */
export function openFileLimit(): number | undefined {
  try {
    // Deno 2.9 reads /proc/self/* only with --allow-all; without it this throws and the limit is unknown.
    const limits = Deno.readTextFileSync("/proc/self/limits");
    const soft = /^Max open files\s+(\S+)/m.exec(limits)?.[1];
    const value = Number(soft);
    return Number.isInteger(value) && value > 0 ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Where the descriptor limit in force came from. */
export type FileLimitSource = "CHAT_FILE_LIMIT" | "/proc/self/limits" | "none";

/** The descriptor limit to budget for: the setting when given, else /proc when readable, else unknown. */
export function fileLimitInForce(
  setting: number | undefined,
): { fileLimit?: number; source: FileLimitSource } {
  if (setting !== undefined) {
    return { fileLimit: setting, source: "CHAT_FILE_LIMIT" };
  }
  const read = openFileLimit();
  return read === undefined
    ? { source: "none" }
    : { fileLimit: read, source: "/proc/self/limits" };
}

/** Whether a failed accept (or open) ran out of descriptors: EMFILE (process) or ENFILE (system). */
export function outOfDescriptors(error: unknown): boolean {
  const message = error instanceof Error ? error.message : String(error);
  return /too many open files|os error 2[34]\b/i.test(message);
}

/** The TCP cap learned when descriptors ran out with `open` connections open: that count less the headroom. */
export function learnedTcpCap(open: number): number {
  return Math.max(2, open - DESCRIPTOR_HEADROOM);
}

/** How many connections a descriptor limit leaves room for. */
export interface ConnectionBudget {
  /** Open TCP connections of any kind; beyond it a new one gets a bare 503. */
  tcp: number;
  /** Open WebSockets: the configured cap, lowered to what the descriptors allow. */
  sockets: number;
}

/** The connection caps that keep this process below `fileLimit` descriptors. */
export function connectionBudget(
  options: { maxConnections: number; fileLimit?: number },
): ConnectionBudget {
  const { maxConnections, fileLimit } = options;
  if (fileLimit === undefined) {
    return { tcp: Infinity, sockets: maxConnections };
  }
  const tcp = Math.max(2, fileLimit - DESCRIPTOR_HEADROOM);
  return {
    tcp,
    sockets: Math.max(1, Math.min(maxConnections, tcp - HTTP_RESERVE)),
  };
}

/** A request handler as `Deno.serve` takes it. */
export type Handler = (
  req: Request,
  info: Deno.ServeHandlerInfo,
) => Response | Promise<Response>;

/** Options of {@linkcode serveHttp}. */
export interface ListenOptions {
  hostname: string;
  port: number;
  log: Logger;
  /** Most open TCP connections, upgraded ones included (see {@linkcode connectionBudget}). */
  maxOpen: number;
  /** Milliseconds a connection may wait before its (next) request head is complete. */
  headerTimeoutMs: number;
  /** Connections that left HTTP for a WebSocket and are still open (counted elsewhere). */
  upgraded(): number;
  /** Several isolates of one process listen on the same port (`SO_REUSEPORT`). */
  reusePort?: boolean;
  /** Told of each connection refused for want of descriptors. */
  onRefused?(): void;
  /** Told of each connection closed before its first request head was complete (an idle keep-alive is not told). */
  onHeaderTimeout?(): void;
  /** Told once, when with no `maxOpen` an accept first ran out of descriptors and the TCP cap became `tcp` (see {@linkcode learnedTcpCap}). */
  onCapLearned?(learned: { tcp: number; open: number }): void;
  onListen?(addr: Deno.NetAddr): void;
}

/** A listening server. */
export interface HttpListener {
  addr: Deno.NetAddr;
  /** Stops accepting, closes idle connections, and resolves once every request in progress is answered. */
  shutdown(): Promise<void>;
}

interface HttpConn extends AsyncIterable<RequestEvent> {
  nextRequest(): Promise<RequestEvent | null>;
  close(): void;
}

interface RequestEvent {
  readonly request: Request;
  respondWith(response: Response | Promise<Response>): Promise<void>;
}

type ServeConnection = (conn: Deno.Conn) => HttpConn;

const REFUSAL_BODY = '{"error":"too many connections, try later"}';
const REFUSAL = new TextEncoder().encode(
  "HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\n" +
    "retry-after: 5\r\nconnection: close\r\n" +
    `content-length: ${REFUSAL_BODY.length}\r\n\r\n${REFUSAL_BODY}`,
);

/** Serves `handler` on `options.port` with the guards described above. */
export function serveHttp(
  options: ListenOptions,
  handler: Handler,
): HttpListener {
  const serveConnection = (Deno as unknown as { serveHttp?: ServeConnection })
    .serveHttp;
  if (
    typeof serveConnection !== "function" || Deno.env.get("DENO_DEPLOYMENT_ID")
  ) {
    return serveWithDeno(options, handler);
  }
  const listener = Deno.listen({
    hostname: options.hostname,
    port: options.port,
    ...(options.reusePort ? { reusePort: true } : {}),
  });
  const addr = listener.addr as Deno.NetAddr;
  const open = new Map<HttpConn, { busy: boolean }>();
  const answering = new Set<Promise<unknown>>();
  let closing = false;
  let maxOpen = options.maxOpen;
  let learned = false;
  // One timer for every connection's header timeout, not one per request.
  const heads = new Deadlines({ ms: options.headerTimeoutMs });

  const serve = async (conn: Deno.Conn) => {
    let http: HttpConn;
    try {
      http = serveConnection(conn);
    } catch {
      conn.close();
      return;
    }
    const state = { busy: false };
    open.set(http, state);
    const info = (completed: Promise<void>): Deno.ServeHandlerInfo => ({
      remoteAddr: conn.remoteAddr,
      completed,
    });
    let first = true;
    try {
      while (!closing) {
        const beforeFirst = first;
        const head = heads.set(() => {
          if (beforeFirst) options.onHeaderTimeout?.();
          http.close();
        });
        let event: RequestEvent | null;
        try {
          event = await http.nextRequest();
        } catch {
          event = null;
        } finally {
          heads.meet(head);
        }
        if (!event) break;
        first = false;
        state.busy = true;
        const answer = respond(event, {
          handler,
          info,
          log: options.log,
          // From here the socket counts in `upgraded()`: counted in `open` as well, a storm near the cap would refuse sockets there is room for.
          upgrading: () => open.delete(http),
        });
        answering.add(answer.done);
        await answer.done;
        answering.delete(answer.done);
        state.busy = false;
        if (answer.upgrade) return;
      }
    } finally {
      if (open.delete(http)) {
        try {
          http.close();
        } catch {
          // already closed
        }
      }
    }
  };

  (async () => {
    let failures = 0;
    while (!closing) {
      let conn: Deno.Conn;
      try {
        conn = await listener.accept();
      } catch (error) {
        if (closing || error instanceof Deno.errors.BadResource) return;
        const current = open.size + options.upgraded();
        // Only with no known limit: past a known one, refusals in flight may briefly take the headroom.
        if (!learned && maxOpen === Infinity && outOfDescriptors(error)) {
          learned = true;
          maxOpen = learnedTcpCap(current);
          options.onCapLearned?.({ tcp: maxOpen, open: current });
        }
        if (failures++ === 0) {
          options.log("error", "accept_failed", {
            ...errorFields(error),
            open: open.size,
            upgraded: options.upgraded(),
          });
        }
        const pause = Math.min(
          ACCEPT_RETRY_MS * 2 ** Math.min(failures - 1, 10),
          MAX_ACCEPT_RETRY_MS,
        );
        await new Promise((r) => setTimeout(r, pause));
        continue;
      }
      if (failures > 0) {
        options.log("info", "accept_recovered", { failures });
        failures = 0;
      }
      if (open.size + options.upgraded() >= maxOpen) {
        options.onRefused?.();
        refuse(conn);
        continue;
      }
      // As Deno.serve does: small frames (a chat event) go out at once, not after Nagle's delay.
      (conn as Deno.TcpConn).setNoDelay?.(true);
      serve(conn);
    }
  })();
  options.onListen?.(addr);

  return {
    addr,
    async shutdown() {
      closing = true;
      try {
        listener.close();
      } catch {
        // already closed
      }
      for (const [http, state] of open) {
        if (!state.busy) http.close();
      }
      heads.close();
      await Promise.allSettled([...answering]);
    },
  };
}

function respond(
  event: RequestEvent,
  context: {
    handler: Handler;
    info: (completed: Promise<void>) => Deno.ServeHandlerInfo;
    log: Logger;
    /** Called once the handler answered 101, before the answer is sent. */
    upgrading: () => void;
  },
): { upgrade: boolean; done: Promise<void> } {
  let sent!: () => void;
  let failed!: (error: unknown) => void;
  const completed = new Promise<void>((resolve, reject) => {
    sent = resolve;
    failed = reject;
  });
  completed.catch(() => {});
  const result = { upgrade: false, done: Promise.resolve() };
  result.done = (async () => {
    let response: Response;
    try {
      response = await context.handler(event.request, context.info(completed));
    } catch (error) {
      context.log("error", "request_failed", errorFields(error));
      response = new Response("Internal Server Error", { status: 500 });
    }
    result.upgrade = response.status === 101;
    if (result.upgrade) context.upgrading();
    try {
      await event.respondWith(response);
      sent();
    } catch (error) {
      failed(new Deno.errors.Interrupted(String(error)));
    }
  })();
  return result;
}

function refuse(conn: Deno.Conn): void {
  conn.write(REFUSAL).catch(() => {}).finally(() => {
    try {
      conn.close();
    } catch {
      // already closed
    }
  });
}

/** Plain `Deno.serve`, where the runtime has no per-connection server. */
function serveWithDeno(options: ListenOptions, handler: Handler): HttpListener {
  const server = Deno.serve({
    hostname: options.hostname,
    port: options.port,
    ...(options.reusePort ? { reusePort: true } : {}),
    onListen: (addr) => options.onListen?.(addr as Deno.NetAddr),
  }, handler);
  return {
    addr: server.addr as Deno.NetAddr,
    shutdown: () => server.shutdown(),
  };
}
