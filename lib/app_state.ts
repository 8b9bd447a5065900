import type { MessageEvent, RoomSummary } from "./chat/events.ts";
import type { People } from "./people/people.ts";
import type { RoomAccess } from "./rooms/access.ts";
import type { Identity } from "./rooms/identity.ts";

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
  /** Upgrades the request to a WebSocket of `room` (already canonical). */
  connect(
    req: Request,
    options: {
      room: string;
      info: Deno.ServeHandlerInfo;
      /** Who opens it (session cookie, `?token=`); null for a guest. */
      identity?: Identity | null;
    },
  ): Response;
  /** True when the store can be reached. */
  healthy(): Promise<boolean>;
  /** Metrics in the Prometheus text format. */
  metricsText(): string;
  /** The client's address (the peer's, or what a trusted proxy says). */
  address(req: Request, info: Deno.ServeHandlerInfo): string;
}

/** `ctx.state` of every route. */
export interface AppState {
  chat: ChatApi;
  /** Accounts, sessions, and who a request is. */
  people: People;
  /** Rooms with access: who may see, join and moderate which room. */
  access: RoomAccess;
}
