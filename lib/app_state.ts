import type { MessageEvent, RoomSummary } from "./protocol/events.ts";
import type { Refusal, Ticket } from "./chat/limits.ts";
import type { Auth } from "./http/auth.ts";
import type { People } from "./people/people.ts";
import type { RoomAccess } from "./rooms/access.ts";
import type { SocketOptions } from "./chat/service.ts";

/** What the routes ask of the chat service. */
export interface ChatApi {
  /** Rooms with at least one person online, busiest first. */
  rooms(): Promise<RoomSummary[]>;
  /** History of one room, oldest first (`before` an id, or the newest). */
  history(
    room: string,
    options: { before?: string; limit: number },
  ): Promise<MessageEvent[]>;
  /** Messages of `room` holding every word of `query`, newest first. */
  search(
    room: string,
    options: { query: string; limit: number },
  ): Promise<MessageEvent[]>;
  /** Takes a place for one socket of `address` under the connection caps, or says why not (counted and logged). */
  admit(address: string): { ticket: Ticket } | { refusal: Refusal };
  /** Counts and logs a socket refused before the chat saw it. */
  refuse(reason: Refusal, fields?: Record<string, unknown>): void;
  /** The idle timeout, in seconds, for the next socket (jittered). */
  socketIdleTimeout(): number;
  /** Runs the chat on an upgraded socket of `room` (already canonical); the ticket is released when it closes. */
  open(socket: WebSocket, options: SocketOptions): void;
  /** True when the store can be reached. */
  healthy(): Promise<boolean>;
  /** Metrics in the Prometheus text format. */
  metricsText(): string;
}

/** `ctx.state` of every route. */
export interface AppState {
  chat: ChatApi;
  /** Accounts, sessions, and who a request is. */
  people: People;
  /** The `/api/auth/…` routes over `people`. */
  auth: Auth;
  /** Rooms with access: who may see, join and moderate which room. */
  access: RoomAccess;
  /** Origins allowed besides the server's own (WebSocket upgrades, state-changing requests). */
  allowedOrigins: readonly string[];
  /** Proxies whose `X-Forwarded-For` names the client (lib/http/client_address.ts). */
  trustedProxies: readonly string[];
  /** Per request: the socket place taken by the admission middleware (lib/http/socket_guards.ts). */
  ticket?: Ticket;
}
