/**
 * One socket's outbound side: the only place a session's frames are
 * serialised, packed into batches, held while a welcome is read, and watched
 * for a reader that does not read.
 */
import { type Clock, systemClock, type TimerId } from "../clock.ts";
import type { ServerEvent } from "../protocol/events.ts";
import { batchFrame } from "./peer.ts";

/** How long unsent bytes may stay over the cap before the socket is closed. */
export const SLOW_CONSUMER_GRACE_MS = 2000;
/** How many sends pass between two looks at a socket's unsent bytes. */
export const BUFFER_CHECK_EVERY = 16;
/** The `readyState` of an open WebSocket. */
const OPEN = 1;

/** What the writer needs of a WebSocket. */
export interface OutboundSocket {
  readonly readyState: number;
  readonly bufferedAmount: number;
  send(data: string): void;
}

/** How a writer is set up. */
export interface OutboundOptions {
  /** Most bytes waiting unsent before the reader is slow. */
  maxBufferedBytes: number;
  /** Told once the reader is found slow; it closes the socket. */
  onSlow(): void;
  clock?: Clock;
}

/** The queue of every writer with nothing queued: one array, never written to. */
const EMPTY: string[] = [];

/** Frames to one socket, in order, with message ids never sent twice. */
export class Outbound {
  #socket: OutboundSocket;
  #maxBufferedBytes: number;
  #onSlow: () => void;
  #clock: Clock;
  #batch = false;
  #queue = EMPTY;
  #flushScheduled = false;
  #held: { frame: string; id?: string }[] | undefined;
  #lastId = "";
  #sends = 0;
  #overSince: number | undefined;
  #recheck: TimerId | undefined;
  #stopped = false;

  /** A writer for `socket`. */
  constructor(socket: OutboundSocket, options: OutboundOptions) {
    this.#socket = socket;
    this.#maxBufferedBytes = options.maxBufferedBytes;
    this.#onSlow = options.onSlow;
    this.#clock = options.clock ?? systemClock;
  }

  /** True when events are packed into `batch` frames. */
  get batch(): boolean {
    return this.#batch;
  }

  set batch(on: boolean) {
    this.#batch = on;
  }

  /** The id of the last message sent (or replayed in the welcome). */
  get lastId(): string {
    return this.#lastId;
  }

  set lastId(id: string) {
    this.#lastId = id;
  }

  /** True while events are held for a welcome not yet sent. */
  get holding(): boolean {
    return this.#held !== undefined;
  }

  /** Holds every event from now on until {@linkcode Outbound.release} or {@linkcode Outbound.drop}. */
  hold(): void {
    this.#held = [];
  }

  /** Forgets what was held and stops holding. */
  drop(): void {
    this.#held = undefined;
  }

  /** Stops holding and sends what was held, minus messages already sent. */
  release(): void {
    const held = this.#held ?? [];
    this.#held = undefined;
    for (const { frame, id } of held) this.push(frame, id);
  }

  /** Takes one serialised event; `id` is set for messages, which arrive in id order. */
  push(frame: string, id?: string): void {
    if (id !== undefined) {
      if (id <= this.#lastId) return;
      if (this.#held) {
        this.#held.push({ frame, id });
        return;
      }
      this.#lastId = id;
    } else if (this.#held) {
      this.#held.push({ frame });
      return;
    }
    this.#send(frame);
  }

  /** Takes a frame shared with other readers; false when it must come event by event. */
  pushShared(frame: string, ids: { first?: string; last?: string }): boolean {
    if (this.#socket.readyState !== OPEN) return true;
    if (this.#held) return false;
    if (ids.first !== undefined && ids.first <= this.#lastId) return false;
    if (this.#queue.length > 0) this.flush();
    this.#socket.send(frame);
    if (ids.last !== undefined) this.#lastId = ids.last;
    this.checkBuffer();
    return true;
  }

  /** Sends one event to this socket alone (batched like the rest). */
  event(event: ServerEvent): void {
    this.#send(JSON.stringify(event));
  }

  /** Sends `event` (or its serialised frame) at once, ahead of anything queued or held (the welcome). */
  now(event: Record<string, unknown> | string): void {
    this.#socket.send(
      typeof event === "string" ? event : JSON.stringify(event),
    );
    this.checkBuffer();
  }

  #send(frame: string): void {
    if (this.#socket.readyState !== OPEN) return;
    if (!this.#batch) {
      this.#socket.send(frame);
      if (++this.#sends % BUFFER_CHECK_EVERY === 0) this.checkBuffer();
      return;
    }
    if (this.#queue === EMPTY) this.#queue = [];
    this.#queue.push(frame);
    if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      queueMicrotask(() => this.flush());
    }
  }

  /** Sends what is queued: one event as it is, more as one `batch` frame. */
  flush(): void {
    this.#flushScheduled = false;
    const queue = this.#queue;
    if (queue.length === 0) return;
    this.#queue = EMPTY;
    if (this.#socket.readyState !== OPEN) return;
    this.#socket.send(batchFrame(queue));
    this.checkBuffer();
  }

  /**
   * A reader is slow when its unsent bytes stay over the cap for longer than
   * a burst takes to drain, or pass eight times the cap at any moment.
   */
  checkBuffer(): void {
    const buffered = this.#socket.bufferedAmount;
    const cap = this.#maxBufferedBytes;
    if (buffered <= cap) {
      this.#overSince = undefined;
      return;
    }
    const now = this.#clock.monotonic();
    this.#overSince ??= now;
    const waited = now - this.#overSince;
    if (buffered <= cap * 8 && waited < SLOW_CONSUMER_GRACE_MS) {
      // Looked at again even when nothing more is sent (a quiet room).
      this.#recheck ??= this.#clock.setTimeout(() => {
        this.#recheck = undefined;
        if (!this.#stopped) this.checkBuffer();
      }, SLOW_CONSUMER_GRACE_MS - waited + 1);
      return;
    }
    this.#queue = EMPTY;
    this.#onSlow();
  }

  /** Stops looking at the unsent bytes (the session has ended). */
  stop(): void {
    this.#stopped = true;
    this.#clock.clearTimeout(this.#recheck);
  }
}
