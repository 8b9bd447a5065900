import type { AppState, ChatApi } from "../app_state.ts";
import type { Logger } from "../log.ts";
import type { MessageStore } from "../store/store.ts";
import type { MessageEvent, RoomSummary } from "./events.ts";
import type { Fanout } from "./fanout.ts";
import { Hub } from "./hub.ts";
import type { Presence } from "./presence.ts";
import { CLOSE_GOING_AWAY, Session, type SessionContext } from "./session.ts";

/** Options of {@linkcode ChatService}. */
export interface ChatServiceOptions {
  store: MessageStore;
  fanout: Fanout;
  presence: Presence;
  log: Logger;
  /** Origins allowed to open a WebSocket besides the server's own. */
  allowedOrigins?: string[];
  /** Per-connection message rate limit (on by default). */
  rateLimit?: boolean;
  /** Delay before queued events go out in one `batch` frame (default 5 ms). */
  batchFlushMs?: number;
}

/** True when a WebSocket upgrade from `origin` may proceed. */
export function originAllowed(
  req: Request,
  allowed: readonly string[],
): boolean {
  const origin = req.headers.get("origin");
  if (origin === null) return true;
  const host = req.headers.get("host");
  if (host && (origin === `http://${host}` || origin === `https://${host}`)) {
    return true;
  }
  return allowed.includes(origin);
}

/** The chat behind the routes: rooms, history, sockets, and an orderly shutdown. */
export class ChatService implements ChatApi {
  #store: MessageStore;
  #fanout: Fanout;
  #hub: Hub;
  #presence: Presence;
  #log: Logger;
  #allowed: string[];
  #sessions = new Set<Session>();
  #inflight = new Set<Promise<unknown>>();
  #context: SessionContext;
  #closing = false;

  /** Wires a store and a fan-out into a chat. */
  constructor(options: ChatServiceOptions) {
    this.#store = options.store;
    this.#fanout = options.fanout;
    this.#log = options.log;
    this.#presence = options.presence;
    this.#allowed = options.allowedOrigins ?? [];
    this.#hub = new Hub({
      store: this.#store,
      fanout: this.#fanout,
      onError: (error, room) =>
        this.#log("error", "gap_fill_failed", { room, error: String(error) }),
    });
    this.#context = {
      store: this.#store,
      fanout: this.#fanout,
      hub: this.#hub,
      presence: this.#presence,
      log: this.#log,
      rateLimit: options.rateLimit ?? true,
      batchFlushMs: options.batchFlushMs ?? 5,
      track: (work) => {
        this.#inflight.add(work);
        work.catch(() => {}).finally(() => this.#inflight.delete(work));
      },
    };
  }

  /** The state handed to every route. */
  get state(): AppState {
    return { chat: this };
  }

  /** Open sockets. */
  get connections(): number {
    return this.#sessions.size;
  }

  async rooms(): Promise<RoomSummary[]> {
    const rooms = await this.#presence.rooms();
    const summaries = await Promise.all(rooms.map(async ({ room, online }) => ({
      room,
      online,
      lastMessageAt: await this.#store.lastMessageAt(room),
    })));
    return summaries.sort((a, b) =>
      b.online - a.online || (a.room < b.room ? -1 : 1)
    );
  }

  history(
    room: string,
    options: { before?: string; limit: number },
  ): Promise<MessageEvent[]> {
    return this.#store.before(room, options);
  }

  connect(
    req: Request,
    options: { room: string; info: Deno.ServeHandlerInfo },
  ): Response {
    if (req.headers.get("upgrade")?.toLowerCase() !== "websocket") {
      return Response.json({ error: "expected a WebSocket upgrade" }, {
        status: 426,
        headers: { upgrade: "websocket" },
      });
    }
    if (!originAllowed(req, this.#allowed)) {
      this.#log("warn", "origin_refused", {
        origin: req.headers.get("origin"),
      });
      return Response.json({ error: "origin not allowed" }, { status: 403 });
    }
    if (this.#closing) {
      return Response.json({ error: "shutting down" }, { status: 503 });
    }
    const { socket, response } = Deno.upgradeWebSocket(req, {
      idleTimeout: 30,
    });
    const session = new Session(socket, {
      room: options.room,
      context: this.#context,
    });
    this.#sessions.add(session);
    socket.addEventListener("close", () => this.#sessions.delete(session));
    return response;
  }

  async healthy(): Promise<boolean> {
    try {
      await this.#store.ping();
      return true;
    } catch {
      return false;
    }
  }

  /** Refuses new sockets, waits for accepted messages to be stored, then closes every socket with 1001. */
  async shutdown(): Promise<void> {
    this.#closing = true;
    await Promise.allSettled([...this.#inflight]);
    for (const session of this.#sessions) {
      session.close(CLOSE_GOING_AWAY, "server shutting down");
    }
    await new Promise((r) => setTimeout(r, 50));
    await Promise.allSettled([...this.#inflight]);
    await this.#presence.close();
    this.#fanout.close();
  }
}
