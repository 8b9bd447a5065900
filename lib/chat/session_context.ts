import type { MessageStore } from "../store/store.ts";
import type { Clock } from "../clock.ts";
import type { Logger } from "../log.ts";
import type { ChatMetrics } from "../metrics.ts";
import type { RoomAccess } from "../rooms/access.ts";
import type { People } from "../people/people.ts";
import type { AddressRates } from "./address_rates.ts";
import type { Fanout } from "./fanout.ts";
import type { Hub } from "./hub.ts";
import type { Presence } from "./presence.ts";
import type { Identity } from "../rooms/identity.ts";

/** What every session of a server shares. */
export interface SessionContext {
  store: MessageStore;
  fanout: Fanout;
  hub: Hub;
  presence: Presence;
  log: Logger;
  rateLimit: boolean;
  /** The budgets of client addresses, across their connections (with `rateLimit`). */
  addressRates?: AddressRates;
  /** Most bytes waiting unsent on one socket before it is closed as a slow consumer. */
  maxBufferedBytes: number;
  metrics: ChatMetrics;
  /** Rooms with access: the permission table on every frame (absent: everything is allowed). */
  access?: RoomAccess;
  /** Accounts and tokens: who a `join` may be (guests only when absent). */
  people?: People;
  /** Set at shutdown: frames that arrive from then on are not taken. */
  draining?: boolean;
  /** Time for rate limits, typing and slow consumers (the system clock when absent). */
  clock?: Clock;
  /** Keeps a message's store write and its delivery alive through shutdown. */
  track(work: Promise<unknown>): void;
}

/** How a session of type `S` is opened on its socket. */
export interface SessionOptions<S> {
  room: string;
  context: SessionContext;
  /** Who opened the socket (session cookie, `?token=`); null or absent for a guest. */
  identity?: Identity | null;
  /** The client's address, which holds a guest's ban. */
  address?: string;
  /** The `?token=` of the WebSocket URL. */
  urlToken?: string;
  /** Told (with the session) when the socket itself has closed: one function may serve every session. */
  onClosed?: (session: S) => void;
}
