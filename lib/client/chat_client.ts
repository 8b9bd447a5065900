/**
 * The browser side of the chat protocol, free of Preact so it can be tested
 * with a fake socket: connection, join, reconnect with backoff, resume with
 * `since`, de-duplication, typing, and the outbox of unacknowledged messages.
 * The state's shape is in chat_state.ts, how events change it in
 * chat_reducer.ts, the outbox in outbox.ts and the backoff in reconnect.ts.
 */

import type {
  ClientFrame,
  ErrorCode,
  LogEvent,
  MessageEvent,
  ModerationFrame,
  ServerEvent,
} from "../protocol/events.ts";
import {
  DEFAULT_HISTORY_PAGE,
  TYPING_INTERVAL_MS,
} from "../protocol/limits.ts";
import { fetchPage, fillGap } from "./history_pages.ts";
import {
  type ChatState,
  initialChatState,
  mergeMessages,
  type OutgoingMessage,
} from "./chat_state.ts";
import {
  applyError,
  applyLog,
  applyNotice,
  applyPresence,
  isSelf,
  type PresenceChange,
  welcomePatch,
} from "./chat_reducer.ts";
import { checkText, discardFailed, requeue, sendDue } from "./outbox.ts";
import { Backoff, defaultTimers, joinFrame, type Timers } from "./reconnect.ts";
import { TypingTimers } from "./typing_timers.ts";
import { parseUsername } from "../protocol/names.ts";

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

/** Options of {@linkcode ChatClient}. */
export interface ChatClientOptions {
  /** Canonical room name. */
  room: string;
  /** Messages already on the page (server-rendered), oldest first. */
  history?: readonly MessageEvent[];
  /** True when `history` is known to start at the room's first message. */
  historyComplete?: boolean;
  /** Stable per-browser id, so one person may hold a name in several tabs. */
  clientId?: string;
  /** `ws(s)://host/api/rooms/<room>/ws` */
  socketUrl: string;
  /** `http(s)://host/api/rooms/<room>/messages` */
  messagesUrl: string;
  createSocket?: (url: string) => SocketLike;
  fetch?: typeof fetch;
  timers?: Timers;
  random?: () => number;
  now?: () => number;
  /** A fresh nonce for each message. */
  nonce?: () => string;
}

const OPEN = 1;

function defaultNonce(): string {
  return crypto.randomUUID();
}

/** One person's connection to one room. */
export class ChatClient {
  #options: ChatClientOptions;
  #timers: Timers;
  #random: () => number;
  #now: () => number;
  #nonce: () => string;
  #state: ChatState;
  #listeners = new Set<(state: ChatState) => void>();
  #socket: SocketLike | null = null;
  #backoff: Backoff;
  #typists: TypingTimers;
  #lastTypingSent = -Infinity;
  #noticeCount = 0;
  #closed = false;

  constructor(options: ChatClientOptions) {
    this.#options = options;
    this.#timers = options.timers ?? defaultTimers;
    this.#random = options.random ?? Math.random;
    this.#now = options.now ?? Date.now;
    this.#nonce = options.nonce ?? defaultNonce;
    this.#backoff = new Backoff(this.#timers, this.#random);
    this.#typists = new TypingTimers(this.#timers, (username) =>
      this.#update({
        typing: this.#state.typing.filter((u) => u !== username),
      }));
    this.#state = initialChatState({
      history: options.history ?? [],
      historyComplete: options.historyComplete,
      needsName: true,
    });
  }

  /** The current state. */
  get state(): ChatState {
    return this.#state;
  }

  /** Calls `listener` after every change; returns the unsubscribe function. */
  subscribe(listener: (state: ChatState) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Joins with `username` (checked first); opens the socket when needed. */
  join(username: string): boolean {
    if (this.#closed || this.#state.joined) return false;
    const parsed = parseUsername(username);
    if (!parsed.ok) {
      this.#update({ needsName: true, nameError: parsed.reason });
      return false;
    }
    this.#update({
      username: parsed.name,
      needsName: false,
      nameError: null,
      alert: null,
    });
    const socket = this.#socket;
    if (socket && socket.readyState === OPEN && !this.#state.joined) {
      this.#sendJoin(socket);
    } else if (!socket) {
      this.#backoff.cancel();
      this.#connect();
    }
    return true;
  }

  /** Edits one of our messages; returns an error sentence when the text cannot be sent. */
  edit(id: string, text: string): string | null {
    const invalid = checkText(text);
    if (invalid) return invalid;
    return this.#write({ type: "edit", id, text })
      ? null
      : "Not connected; try again in a moment.";
  }

  /** Deletes one of our messages; false when not connected. */
  delete(id: string): boolean {
    return this.#write({ type: "delete", id });
  }

  /** Adds (`on`) or takes back a reaction; false when not connected. */
  react(id: string, options: { emoji: string; on: boolean }): boolean {
    return this.#write({ type: "react", id, ...options });
  }

  /** Queues a message and sends it when joined; returns an error sentence when the text cannot be sent. */
  send(text: string, options: { replyTo?: string } = {}): string | null {
    const invalid = checkText(text);
    if (invalid) return invalid;
    const entry: OutgoingMessage = {
      nonce: this.#nonce(),
      text,
      status: "queued",
      createdAt: this.#now(),
    };
    if (options.replyTo !== undefined) entry.replyTo = options.replyTo;
    this.#update({ outbox: [...this.#state.outbox, entry] });
    this.#flush(false);
    return null;
  }

  /** Sends a failed message again with the same nonce, so it is never stored twice. */
  resend(nonce: string): void {
    this.#update({ outbox: requeue(this.#state.outbox, nonce) });
    this.#flush(false);
  }

  /** Drops a failed message from the outbox. */
  discard(nonce: string): void {
    this.#update({ outbox: discardFailed(this.#state.outbox, nonce) });
  }

  /** Tells the room we are typing, at most once a second. */
  typing(): void {
    const now = this.#now();
    if (
      !this.#state.joined || now - this.#lastTypingSent < TYPING_INTERVAL_MS
    ) {
      return;
    }
    this.#lastTypingSent = now;
    this.#write({ type: "typing" });
  }

  /** Skips the backoff wait and reconnects now (e.g. when the browser is back online). */
  reconnectNow(): void {
    if (this.#closed || this.#socket || this.#state.username === null) return;
    this.#backoff.cancel();
    this.#connect();
  }

  /**
   * Loads the page of messages before the oldest one held (oldest first);
   * stops for good once the server answers with an empty page.
   */
  async loadOlder(): Promise<void> {
    const state = this.#state.older;
    const oldest = this.#state.messages[0]?.id;
    if (state === "loading" || state === "done" || this.#closed) return;
    if (oldest === undefined) return this.#update({ older: "done" });
    this.#update({ older: "loading" });
    let messages: MessageEvent[];
    try {
      messages = await fetchPage(this.#options, {
        before: oldest,
        limit: DEFAULT_HISTORY_PAGE,
      });
    } catch {
      if (!this.#closed) this.#update({ older: "error" });
      return;
    }
    if (this.#closed) return;
    const fresh = messages.filter((m) => m.id < oldest);
    this.#update({
      messages: mergeMessages(this.#state.messages, fresh),
      older: messages.length === 0 ? "done" : "idle",
    });
  }

  /** Sends a moderation frame (kick, ban, unban, mute, unmute); false while not connected. */
  moderate(frame: ModerationFrame): boolean {
    return this.#write(frame);
  }

  /** Clears the alert line. */
  dismissAlert(): void {
    this.#update({ alert: null });
  }

  /** Closes the socket for good and stops every timer. */
  close(): void {
    this.#closed = true;
    this.#backoff.cancel();
    this.#typists.clear();
    const socket = this.#socket;
    this.#socket = null;
    if (socket) {
      socket.onclose = null;
      socket.onmessage = null;
      socket.close(1000, "bye");
    }
    this.#update({ status: "closed", joined: false, typing: [] });
  }

  #update(patch: Partial<ChatState>): void {
    this.#state = { ...this.#state, ...patch };
    for (const listener of this.#listeners) listener(this.#state);
  }

  #connect(): void {
    const create = this.#options.createSocket ??
      ((url: string) => new WebSocket(url) as unknown as SocketLike);
    this.#update({ status: "connecting", retryAt: null });
    let socket: SocketLike;
    try {
      socket = create(this.#options.socketUrl);
    } catch {
      this.#scheduleReconnect();
      return;
    }
    this.#socket = socket;
    socket.onopen = () => {
      if (this.#socket === socket && !this.#state.needsName) {
        this.#sendJoin(socket);
      }
    };
    socket.onmessage = (event) => {
      if (this.#socket !== socket || typeof event.data !== "string") return;
      let parsed: unknown;
      try {
        parsed = JSON.parse(event.data);
      } catch {
        return;
      }
      if (parsed && typeof parsed === "object" && "type" in parsed) {
        this.#handle(parsed as ServerEvent, true);
      }
    };
    socket.onerror = () => {};
    socket.onclose = () => {
      if (this.#socket !== socket) return;
      this.#socket = null;
      this.#typists.clear();
      this.#update({ joined: false, typing: [] });
      if (this.#closed) return;
      if (this.#state.username === null || this.#state.needsName) {
        this.#update({ status: "idle" });
        return;
      }
      this.#scheduleReconnect();
    };
  }

  #sendJoin(socket: SocketLike): void {
    const frame = joinFrame(this.#state, this.#options.clientId);
    if (frame) socket.send(JSON.stringify(frame));
  }

  #scheduleReconnect(): void {
    const delay = this.#backoff.next();
    this.#update({ status: "reconnecting", retryAt: this.#now() + delay });
    this.#backoff.start(() => {
      if (!this.#closed && !this.#socket) this.#connect();
    }, delay);
  }

  #write(frame: ClientFrame): boolean {
    const socket = this.#socket;
    if (!socket || socket.readyState !== OPEN) return false;
    socket.send(JSON.stringify(frame));
    return true;
  }

  /** Sends queued messages; after a fresh `welcome` also those in flight on the old socket. */
  #flush(resendInFlight: boolean): void {
    if (!this.#state.joined) return;
    const outbox = sendDue(this.#state.outbox, {
      resendInFlight,
      write: (frame) => this.#write(frame),
    });
    if (outbox) this.#update({ outbox });
  }

  #handle(event: ServerEvent, outer: boolean): void {
    switch (event.type) {
      case "batch":
        if (outer && Array.isArray(event.events)) {
          for (const inner of event.events) this.#handle(inner, false);
        }
        return;
      case "welcome":
        return this.#onWelcome(event);
      case "message":
      case "edited":
      case "deleted":
      case "reaction":
        return this.#onMessages([event]);
      case "joined":
      case "left":
        return this.#onPresence(event);
      case "presence": {
        const { members, people, ts } = event;
        for (const username of event.joined ?? []) {
          this.#onPresence({ type: "joined", username, ts, members, people });
        }
        for (const username of event.left ?? []) {
          this.#onPresence({ type: "left", username, ts, members, people });
        }
        if (!event.joined?.length && !event.left?.length) {
          this.#update({ members, people: people ?? this.#state.people });
        }
        return;
      }
      case "typing":
        return this.#onTyping(event.username);
      case "notice":
        return this.#update(
          applyNotice(this.#state, { event, key: `n${this.#noticeCount++}` }),
        );
      case "error":
        return this.#onError(event.code, event.message);
    }
  }

  #onWelcome(
    event: Extract<ServerEvent, { type: "welcome" }>,
  ): void {
    const lastKnown = this.#state.messages.at(-1)?.id ?? null;
    this.#backoff.reset();
    this.#update(welcomePatch(event));
    this.#onMessages(event.history ?? []);
    this.#flush(true);
    const oldest = event.history?.[0]?.id;
    if (event.truncated && oldest !== undefined) {
      void this.#fillGap(lastKnown, oldest);
    }
  }

  #onMessages(events: readonly LogEvent[]): void {
    if (events.length === 0) return;
    const { patch, typists } = applyLog(this.#state, events);
    for (const username of typists) this.#typists.stop(username);
    this.#update(patch);
  }

  #onPresence(event: PresenceChange): void {
    if (event.type === "left") this.#typists.stop(event.username);
    this.#update(applyPresence(this.#state, {
      event,
      key: () => `n${this.#noticeCount++}`,
    }));
  }

  #onTyping(username: string): void {
    if (isSelf(this.#state, username)) return;
    this.#typists.start(username);
    if (!this.#state.typing.includes(username)) {
      this.#update({ typing: [...this.#state.typing, username] });
    }
  }

  #onError(code: ErrorCode, message: string): void {
    const { patch, kicked } = applyError(this.#state, { code, message });
    if (kicked) {
      this.#closed = true;
      this.#backoff.cancel();
    }
    if (Object.keys(patch).length > 0) this.#update(patch);
  }

  async #fillGap(afterId: string | null, beforeId: string): Promise<void> {
    const filled = await fillGap(this.#options, {
      afterId,
      beforeId,
      apply: (messages) => this.#onMessages(messages),
      stopped: () => this.#closed,
    });
    if (!filled) {
      this.#update({
        alert:
          "Some earlier messages could not be loaded. Reload the page to see them.",
      });
    }
  }
}
