/**
 * A WebSocket that comes back: one socket at a time, and after it is lost
 * a new one after a backoff delay on an injectable clock. It knows nothing of
 * the chat; what a lost socket means is for its owner to say (`onLost`).
 */
import { type Clock, systemClock, type TimerId } from "../clock.ts";
import { backoffDelay } from "./backoff.ts";

/** The part of `WebSocket` the client uses. */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number }) => void) | null;
  onerror: ((event: unknown) => void) | null;
}

/** What the socket is doing, told to `onStatus`. */
export type SocketStatus =
  | { status: "connecting" }
  /** Waiting for the next attempt, which starts at `retryAt` (epoch ms). */
  | { status: "reconnecting"; retryAt: number };

/** Options of {@linkcode ReconnectingSocket}. */
export interface ReconnectingSocketOptions {
  url: string;
  /** Called when the socket opens. */
  onOpen: () => void;
  /** Called with each text message of the current socket. */
  onText: (data: string) => void;
  /** Called with the close code when the current socket closes; true to try again after the backoff. */
  onLost: (code: number) => boolean;
  /** Called when an attempt starts or is scheduled. */
  onStatus: (status: SocketStatus) => void;
  /** The browser's `new WebSocket(url)` by default. */
  createSocket?: (url: string) => SocketLike;
  clock?: Clock;
  /** Jitter of the backoff, in [0, 1). */
  random?: () => number;
}

const OPEN = 1;

function webSocket(url: string): SocketLike {
  return new WebSocket(url) as unknown as SocketLike;
}

/** One connection that reconnects with backoff until it is stopped. */
export class ReconnectingSocket {
  #options: ReconnectingSocketOptions;
  #clock: Clock;
  #socket: SocketLike | null = null;
  #attempt = 0;
  #retry: TimerId | undefined;
  #stopped = false;

  /** A socket to `options.url`; nothing connects before {@linkcode ReconnectingSocket.connect}. */
  constructor(options: ReconnectingSocketOptions) {
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
  }

  /** True while a socket exists (connecting or open). */
  get active(): boolean {
    return this.#socket !== null;
  }

  /** True while the socket is open. */
  get isOpen(): boolean {
    return this.#socket?.readyState === OPEN;
  }

  /** Connects now, skipping any backoff wait; nothing when a socket exists or after a stop. */
  connect(): void {
    if (this.#stopped || this.#socket) return;
    this.#cancelRetry();
    this.#options.onStatus({ status: "connecting" });
    let socket: SocketLike;
    try {
      socket = (this.#options.createSocket ?? webSocket)(this.#options.url);
    } catch {
      this.#scheduleRetry();
      return;
    }
    this.#socket = socket;
    socket.onopen = () => {
      if (this.#socket === socket) this.#options.onOpen();
    };
    socket.onmessage = (event) => {
      if (this.#socket === socket && typeof event.data === "string") {
        this.#options.onText(event.data);
      }
    };
    socket.onerror = () => {};
    socket.onclose = (event) => {
      if (this.#socket !== socket) return;
      this.#socket = null;
      if (this.#options.onLost(event.code) && !this.#stopped) {
        this.#scheduleRetry();
      }
    };
  }

  /**
   * Connects now, skipping any backoff wait, and drops an attempt that has
   * not opened yet (it may hang for a minute on a bad network); nothing while
   * open or after a stop.
   */
  retryNow(): void {
    if (this.#stopped || this.isOpen) return;
    this.#drop();
    this.connect();
  }

  /** Writes `data` on the open socket; false when it is not open. */
  send(data: string): boolean {
    const socket = this.#socket;
    if (!socket || socket.readyState !== OPEN) return false;
    socket.send(data);
    return true;
  }

  /** The connection succeeded: the next loss waits the shortest delay again. */
  resetBackoff(): void {
    this.#attempt = 0;
  }

  /** Never reconnects again; the current socket stays until the server closes it. */
  stop(): void {
    this.#stopped = true;
    this.#cancelRetry();
  }

  /** Stops and closes the socket (1000), telling nobody. */
  close(): void {
    this.stop();
    this.#drop();
  }

  #drop(): void {
    const socket = this.#socket;
    this.#socket = null;
    if (!socket) return;
    socket.onclose = null;
    socket.onmessage = null;
    socket.close(1000, "bye");
  }

  #scheduleRetry(): void {
    const delay = backoffDelay(this.#attempt++, this.#options.random);
    this.#options.onStatus({
      status: "reconnecting",
      retryAt: this.#clock.now() + delay,
    });
    this.#retry = this.#clock.setTimeout(() => {
      this.#retry = undefined;
      this.connect();
    }, delay);
  }

  #cancelRetry(): void {
    this.#clock.clearTimeout(this.#retry);
    this.#retry = undefined;
  }
}
