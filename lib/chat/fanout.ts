import type {
  ChangeEvent,
  ControlEvent,
  JoinedEvent,
  LeftEvent,
  MessageEvent,
  NoticeEvent,
  TypingEvent,
} from "../protocol/events.ts";
import { RoomChannels } from "./room_channels.ts";

/** Between servers only: a sign-in session was ended by sign-out, so its sockets close. */
export interface SignedOutEvent {
  type: "signed_out";
  /** The session's store key. */
  session: string;
}

/** An event that travels between the servers of one room. */
export type RoomEvent =
  | MessageEvent
  | ChangeEvent
  | JoinedEvent
  | LeftEvent
  | TypingEvent
  | NoticeEvent
  | ControlEvent
  | SignedOutEvent;

/** The channel every server listens on for sign-outs; no room name can be it (room names have no control characters). */
export const SIGN_OUTS_CHANNEL = "\u0000sign-outs";

/** How many rooms `held` (channels or listeners by name) holds: the sign-outs channel is no room. */
export function roomsIn(
  held: { size: number; get(name: string): unknown },
): number {
  return held.size - (held.get(SIGN_OUTS_CHANNEL) === undefined ? 0 : 1);
}

/** Receives the events of one room. */
export type RoomListener = (event: RoomEvent) => void;

/** Publish/subscribe per room; backends differ in how far an event reaches. */
export interface Fanout {
  /** Hands `event` to every subscriber of `room`, here and, by backend, elsewhere. */
  publish(room: string, event: RoomEvent): void;
  /** Starts receiving the events of `room`; resolves, once events flow, to the function that stops it. */
  subscribe(room: string, listener: RoomListener): Promise<() => void>;
  /** Called after an outage of the fan-out, when events may have been missed. */
  onResync?: (room: string) => void;
  /** Stops every subscription. */
  close(): void;
  /** Per-room entries this process keeps (0 once no room is subscribed). */
  retained?(): number;
}

/** Reaches the subscribers of this isolate only. */
export class LocalFanout implements Fanout {
  #listeners = new Map<string, Set<RoomListener>>();

  publish(room: string, event: RoomEvent): void {
    this.deliver(room, event);
  }

  retained(): number {
    return roomsIn(this.#listeners);
  }

  /** Hands an event to this isolate's subscribers. */
  deliver(room: string, event: RoomEvent): void {
    const listeners = this.#listeners.get(room);
    if (!listeners) return;
    for (const listener of listeners) listener(event);
  }

  subscribe(room: string, listener: RoomListener): Promise<() => void> {
    return Promise.resolve(this.listen(room, listener));
  }

  /** Subscribes synchronously (this isolate needs no round trip). */
  listen(room: string, listener: RoomListener): () => void {
    let listeners = this.#listeners.get(room);
    if (!listeners) this.#listeners.set(room, listeners = new Set());
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
      if (listeners.size === 0 && this.#listeners.get(room) === listeners) {
        this.#listeners.delete(room);
      }
    };
  }

  close(): void {
    this.#listeners.clear();
  }
}

/**
 * One `BroadcastChannel` per room: reaches the other isolates of this
 * deployment (Deno Deploy) or of this process (workers).
 */
export class BroadcastFanout implements Fanout {
  #local = new LocalFanout();
  #channels = new RoomChannels<BroadcastChannel>({
    open: (room) => {
      const channel = new BroadcastChannel(this.#prefix + room);
      channel.onmessage = (message: globalThis.MessageEvent<RoomEvent>) =>
        this.#local.deliver(room, message.data);
      return channel;
    },
    close: (channel) => channel.close(),
  });
  #prefix: string;
  /**
   * Open while the fan-out is: Deno shares one resource among an isolate's
   * channels and replaces it when the last one closes, and a message posted
   * meanwhile fails ("expected i32") in the middle of a join.
   */
  #anchor: BroadcastChannel;

  /** Channels are named `${prefix}${room}`. */
  constructor(options: { prefix?: string } = {}) {
    this.#prefix = options.prefix ?? "chat-room:";
    this.#anchor = new BroadcastChannel(`${this.#prefix}\u0000anchor`);
  }

  retained(): number {
    return roomsIn(this.#channels) + this.#local.retained();
  }

  publish(room: string, event: RoomEvent): void {
    this.#local.deliver(room, event);
    const open = this.#channels.get(room);
    if (open) {
      open.postMessage(event);
      return;
    }
    const channel = new BroadcastChannel(this.#prefix + room);
    channel.postMessage(event);
    channel.close();
  }

  subscribe(room: string, listener: RoomListener): Promise<() => void> {
    return this.#channels.subscribe(room, this.#local.listen(room, listener));
  }

  close(): void {
    this.#channels.closeAll();
    this.#anchor.close();
    this.#local.close();
  }
}
