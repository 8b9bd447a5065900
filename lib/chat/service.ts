import type { RoomAccess } from "../rooms/access.ts";
import { toPeople } from "../people/roster.ts";
import type { Identity } from "../rooms/identity.ts";
import { type Clock, systemClock, within } from "../clock.ts";
import type { Logger } from "../log.ts";
import type { People } from "../people/people.ts";
import { ChatMetrics } from "../metrics.ts";
import type { MessageStore } from "../store/store.ts";
import { SearchService } from "../search/search_service.ts";
import type { MessageEvent, RoomSummary } from "../protocol/events.ts";
import { type Fanout, SIGN_OUTS_CHANNEL } from "./fanout.ts";
import { AddressRates } from "./address_rates.ts";
import { Hub } from "./hub.ts";
import {
  ConnectionLimiter,
  LimiterTicket,
  type Refusal,
  type Ticket,
} from "./limits.ts";
import type { Presence } from "./presence.ts";
import { Session } from "./session.ts";
import { CLOSE_GOING_AWAY } from "../protocol/close_codes.ts";
import type { SessionContext } from "./session_context.ts";

/** What {@linkcode ChatService.open} runs a socket with. */
export interface SocketOptions {
  room: string;
  ticket: Ticket;
  /** Who opens it (session cookie, `?token=`); null for a guest. */
  identity?: Identity | null;
  /** The `?token=` of the WebSocket URL. */
  urlToken?: string;
}

/** Most rooms listed by `/api/rooms` and the home page: the busiest ones. */
export const MAX_LISTED_ROOMS = 50;

/** Options of {@linkcode ChatService}. */
export interface ChatServiceOptions {
  store: MessageStore;
  fanout: Fanout;
  presence: Presence;
  log: Logger;
  /** Rooms with access, asked on every join and frame. */
  access: RoomAccess;
  /** Per-connection message rate limit (on by default). */
  rateLimit?: boolean;
  /** Delay before queued events go out in one `batch` frame (default 5 ms). */
  batchFlushMs?: number;
  /** Most open sockets (default 20,000). */
  maxConnections?: number;
  /** The open-socket count shared by the isolates of this process (lib/scale/isolates.ts). */
  sharedConnections?: Int32Array;
  /** Most open sockets per client address; 0 (default) is no cap. */
  maxConnectionsPerAddress?: number;
  /** Seconds without a pong before a peer is deemed dead (default {@linkcode IDLE_TIMEOUT_S}). */
  idleTimeoutSeconds?: number;
  /** Unsent bytes on one socket before it is closed as a slow consumer (default 1 MiB). */
  maxBufferedBytes?: number;
  /** Accounts and sessions. */
  people: People;
  /** Time and timers of rooms, sessions and address rate limits; the real clock by default. */
  clock?: Clock;
}

/**
 * How much shorter than the setting one socket's idle timeout may be: each
 * socket pings after half its own timeout of silence, so sockets that joined
 * together would otherwise ping together, in one burst, forever.
 */
export const IDLE_TIMEOUT_JITTER = 0.2;

/** Longest wait at shutdown for the clients to answer the server's close. */
export const CLOSE_HANDSHAKE_WAIT_MS = 2_000;

/**
 * Seconds without a pong before a peer is closed, unless set: Deno pings
 * after half of it in silence, so each idle socket costs a ping every 24–30 s
 * (about 60 µs of server CPU each; 30 s here cost 100,000 sockets over 6
 * processes a fifth of a core more, and enough delay to lose sockets), while a
 * proxy's usual 60 s read timeout still sees traffic in time.
 */
export const IDLE_TIMEOUT_S = 60;

/** One socket's idle timeout: the setting, less up to {@linkcode IDLE_TIMEOUT_JITTER} of it at random (never more than the setting). */
export function jitterIdleTimeout(
  seconds: number,
  random: () => number = Math.random,
): number {
  return seconds * (1 - IDLE_TIMEOUT_JITTER * random());
}

/** The chat behind the routes: rooms, history, sockets, and an orderly shutdown. */
export class ChatService {
  #store: MessageStore;
  #fanout: Fanout;
  #hub: Hub;
  #presence: Presence;
  #log: Logger;
  /** Open sockets, each with its place under the connection caps. */
  #sessions = new Map<Session, Ticket>();
  /** The sign-in session (store key) each account's socket was opened with. */
  #signIns = new Map<Session, string>();
  #inflight = new Set<Promise<unknown>>();
  #context: SessionContext;
  #closing = false;
  /** Wakes the shutdown when the last socket has closed. */
  #lastClosed?: () => void;
  #addressRates: AddressRates;
  #limiter: ConnectionLimiter;
  #idleTimeout: number;
  #people: People;
  #access: RoomAccess;
  #search: SearchService;
  /** What the server measures about itself, for `/metrics`. */
  readonly metrics = new ChatMetrics();

  /** Lowers the cap on open WebSockets (never raises it); open ones stay, new ones past it get 503. */
  lowerMaxConnections(max: number): void {
    this.#limiter.maxTotal = Math.min(this.#limiter.maxTotal, max);
  }

  /** Wires a store and a fan-out into a chat. */
  constructor(options: ChatServiceOptions) {
    this.#store = options.store;
    this.#fanout = options.fanout;
    this.#log = options.log;
    this.#presence = options.presence;
    this.#access = options.access;
    this.#limiter = new ConnectionLimiter({
      maxTotal: options.maxConnections ?? 20_000,
      maxPerAddress: options.maxConnectionsPerAddress ?? 0,
      shared: options.sharedConnections,
    });
    this.#idleTimeout = options.idleTimeoutSeconds ?? IDLE_TIMEOUT_S;
    this.#search = new SearchService(this.#store);
    this.#people = options.people;
    const clock = options.clock ?? systemClock;
    this.#addressRates = new AddressRates({ clock });
    const { metrics } = this;
    this.#hub = new Hub({
      clock,
      store: this.#store,
      fanout: this.#fanout,
      onError: (error, room) =>
        this.#log("error", "room_error", { room, error: String(error) }),
      onGapCrossed: (room, gap) => {
        metrics.gapsCrossed.inc();
        this.#log("warn", "gap_crossed", { room, ...gap });
      },
      batchFlushMs: options.batchFlushMs ?? 5,
      onControl: (room, event) => {
        for (const session of this.#sessions.keys()) {
          if (session.room !== room) continue;
          session.recheck(event).catch((error) =>
            this.#log("error", "recheck_failed", {
              room,
              error: String(error),
            })
          );
        }
      },
      onDeliver: (message, recipients) => {
        metrics.delivered.inc("", recipients);
        metrics.latency.observe(Math.max(0, clock.now() - message.ts) / 1000);
      },
      roster: async (room) => {
        const [online, settings] = await Promise.all([
          this.#presence.roster(room),
          this.#access.settings(room),
        ]);
        const { owner, moderators } = settings;
        return {
          members: online.map((person) => person.username),
          people: toPeople(online, {
            owner,
            moderators,
            admins: this.#people.admins,
          }),
        };
      },
    });
    metrics.gauge({
      name: "chat_connections",
      help: "Open WebSocket connections.",
      read: () => this.#sessions.size,
    });
    metrics.gauge({
      name: "process_resident_memory_bytes",
      help: "Resident memory of this process.",
      read: () => Deno.memoryUsage().rss,
    });
    metrics.gauge({
      name: "process_heap_used_bytes",
      help: "JavaScript heap in use.",
      read: () => Deno.memoryUsage().heapUsed,
    });
    metrics.gauge({
      name: "process_heap_total_bytes",
      help: "JavaScript heap reserved (in use and free).",
      read: () => Deno.memoryUsage().heapTotal,
    });
    metrics.gauge({
      name: "chat_rooms",
      help: "Rooms with a connection on this server.",
      read: () => this.#hub.rooms().length,
    });
    metrics.gauge({
      name: "chat_room_state_entries",
      help:
        "Per-room entries kept in memory (rooms, presence caches, fan-out subscriptions); 0 once every room here is empty.",
      read: () => this.roomStateEntries(),
    });
    metrics.gauge({
      name: "chat_address_budgets",
      help: "Client addresses with a rate budget not yet refilled.",
      read: () => this.#addressRates.size,
    });
    this.#context = {
      store: this.#store,
      fanout: this.#fanout,
      hub: this.#hub,
      presence: this.#presence,
      access: this.#access,
      people: this.#people,
      log: this.#log,
      rateLimit: options.rateLimit ?? true,
      clock,
      addressRates: this.#addressRates,
      maxBufferedBytes: options.maxBufferedBytes ?? 1024 * 1024,
      metrics,
      track: (work) => {
        this.#inflight.add(work);
        work.catch(() => {}).finally(() => this.#inflight.delete(work));
      },
    };
    this.#fanout.subscribe(SIGN_OUTS_CHANNEL, (event) => {
      if (event.type !== "signed_out") return;
      for (const [session, signIn] of this.#signIns) {
        if (signIn === event.session) session.signedOut();
      }
    }).catch((error) =>
      this.#log("error", "sign_outs_unavailable", { error: String(error) })
    );
  }

  /** Ends, on every server, the sockets opened with this sign-in session (by its store key). */
  signedOut(session: string): void {
    this.#fanout.publish(SIGN_OUTS_CHANNEL, { type: "signed_out", session });
  }

  /** Open sockets. */
  get connections(): number {
    return this.#sessions.size;
  }

  /** The {@linkcode MAX_LISTED_ROOMS} busiest rooms, busiest first. */
  async rooms(): Promise<RoomSummary[]> {
    const rooms = (await this.#presence.rooms())
      .sort((a, b) => b.online - a.online || (a.room < b.room ? -1 : 1))
      .slice(0, MAX_LISTED_ROOMS);
    return await Promise.all(rooms.map(async ({ room, online }) => ({
      room,
      online,
      lastMessageAt: await this.#store.lastMessageAt(room),
    })));
  }

  history(
    room: string,
    options: { before?: string; limit: number },
  ): Promise<MessageEvent[]> {
    return this.#store.before(room, options);
  }

  search(
    room: string,
    options: { query: string; limit: number },
  ): Promise<MessageEvent[]> {
    return this.#search.search(room, options);
  }

  admit(address: string): { ticket: Ticket } | { refusal: Refusal } {
    if (this.#closing) {
      this.refuse("shutting_down");
      return { refusal: "shutting_down" };
    }
    const admission = this.#limiter.admit(address);
    if (admission !== "ok") {
      this.refuse(admission, { address });
      return { refusal: admission };
    }
    return { ticket: new LimiterTicket(this.#limiter, address) };
  }

  refuse(reason: Refusal, fields?: Record<string, unknown>): void {
    this.metrics.refused.inc(reason);
    this.#log("warn", "connection_refused", { reason, ...fields });
  }

  socketIdleTimeout(): number {
    return jitterIdleTimeout(this.#idleTimeout);
  }

  open(socket: WebSocket, options: SocketOptions): void {
    const { ticket } = options;
    const session = new Session(socket, {
      room: options.room,
      context: this.#context,
      identity: options.identity,
      urlToken: options.urlToken,
      address: ticket.address,
      onClosed: this.#closed,
    });
    this.#sessions.set(session, ticket);
    const signIn = options.identity?.session;
    if (signIn) this.#signIns.set(session, signIn);
    this.metrics.opened.inc();
    this.#log("debug", "connect", { room: options.room, session: session.id });
  }

  /** Told by every session when its socket has closed (one function for all, not one per socket). */
  readonly #closed = (session: Session): void => {
    this.#sessions.get(session)?.release();
    this.#sessions.delete(session);
    this.#signIns.delete(session);
    if (this.#sessions.size === 0) this.#lastClosed?.();
  };

  /** Per-room entries kept in memory by the hub, presence and fan-out. */
  roomStateEntries(): number {
    return this.#hub.rooms().length + (this.#presence.retained?.() ?? 0) +
      (this.#fanout.retained?.() ?? 0);
  }

  /** The Prometheus text of {@linkcode metrics}. */
  metricsText(): string {
    return this.metrics.render();
  }

  async healthy(): Promise<boolean> {
    try {
      await this.#store.ping();
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Refuses new sockets and new frames, waits until every message already
   * taken is stored and handed out (so its sender got its acknowledgement),
   * then closes every socket with 1001 and waits (at most
   * {@link CLOSE_HANDSHAKE_WAIT_MS}) for each client to answer the close. A
   * frame that arrives meanwhile is not taken: unacknowledged, its sender
   * resends it after reconnecting. Exiting before the answer would leave the
   * client's unread frames in the kernel, which then resets the connection:
   * the client would see no close code at all, and could lose the frames
   * that acknowledged its last messages.
   */
  async shutdown(): Promise<void> {
    this.#closing = true;
    this.#context.draining = true;
    while (this.#inflight.size > 0) {
      await Promise.allSettled([...this.#inflight]);
    }
    const allClosed = new Promise<void>((resolve) => {
      this.#lastClosed = resolve;
      if (this.#sessions.size === 0) resolve();
    });
    for (const session of this.#sessions.keys()) {
      session.close(CLOSE_GOING_AWAY, "server shutting down");
    }
    await within(allClosed, {
      ms: CLOSE_HANDSHAKE_WAIT_MS,
      clock: this.#context.clock,
    });
    await Promise.allSettled([...this.#inflight]);
    this.#addressRates.close();
    await this.#presence.close();
    this.#fanout.close();
  }
}
