/**
 * The chat protocol in the browser, on a {@linkcode ReconnectingSocket} and
 * free of Preact: join and resume with `since`, de-duplication, typing, the
 * outbox of unacknowledged messages and paging back through history. The
 * state's shape is in chat_state.ts, how events change it in chat_reducer.ts,
 * the outbox in outbox.ts, the pages of history in older_history.ts and
 * history_pages.ts.
 */

import type {
  ClientFrame,
  ErrorCode,
  LogEvent,
  MessageEvent,
  ModerationFrame,
  ServerEvent,
} from "../protocol/events.ts";
import { TYPING_INTERVAL_MS } from "../protocol/limits.ts";
import { parseUsername } from "../protocol/names.ts";
import { type Clock, systemClock } from "../clock.ts";
import { fillGap } from "./history_pages.ts";
import { loadOlder } from "./older_history.ts";
import {
  type ChatState,
  initialChatState,
  type OutgoingMessage,
} from "./chat_state.ts";
import {
  applyError,
  applyLog,
  applyNotice,
  applyPresence,
  applyPresenceWindow,
  isSelf,
  type PresenceChange,
  welcomePatch,
} from "./chat_reducer.ts";
import { checkText, discardFailed, requeue, sendDue } from "./outbox.ts";
import { joinFrame } from "./join_frame.ts";
import { readFrame } from "./server_events.ts";
import { ReconnectingSocket, type SocketLike } from "./reconnecting_socket.ts";
import { TypingTimers } from "./typing_timers.ts";
import { CLOSE_SIGNED_OUT } from "../protocol/close_codes.ts";

/** Shown when the server ended the socket because this browser signed out (in another tab too). */
export const SIGNED_OUT_ALERT =
  "You signed out. Sign in again, or reload the page to join as a guest.";

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
  /** Time and timers (reconnect backoff, typing); the real clock by default. */
  clock?: Clock;
  /** Jitter of the reconnect backoff, in [0, 1). */
  random?: () => number;
  /** A fresh nonce for each message. */
  nonce?: () => string;
}

function defaultNonce(): string {
  return crypto.randomUUID();
}

/** One person's connection to one room. */
export class ChatClient {
  #options: ChatClientOptions;
  #clock: Clock;
  #nonce: () => string;
  #state: ChatState;
  #listeners = new Set<(state: ChatState) => void>();
  #socket: ReconnectingSocket;
  #typists: TypingTimers;
  #lastTypingSent = -Infinity;
  #noticeCount = 0;
  #closed = false;

  constructor(options: ChatClientOptions) {
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
    this.#nonce = options.nonce ?? defaultNonce;
    this.#socket = new ReconnectingSocket({
      url: options.socketUrl,
      createSocket: options.createSocket,
      clock: this.#clock,
      random: options.random,
      onOpen: () => {
        if (!this.#state.needsName) this.#sendJoin();
      },
      onText: (data) => {
        for (const event of readFrame(data)) this.#handle(event);
      },
      onLost: (code) => this.#onLost(code),
      onStatus: (status) => this.#update({ retryAt: null, ...status }),
    });
    this.#typists = new TypingTimers(this.#clock, (username) =>
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
    if (this.#socket.isOpen) this.#sendJoin();
    else this.#socket.connect();
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
      createdAt: this.#clock.now(),
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
    const now = this.#clock.now();
    if (
      !this.#state.joined || now - this.#lastTypingSent < TYPING_INTERVAL_MS
    ) {
      return;
    }
    this.#lastTypingSent = now;
    this.#write({ type: "typing" });
  }

  /** Skips the backoff wait, or an attempt still hanging, and reconnects now (e.g. when the browser is back online). */
  reconnectNow(): void {
    if (this.#closed || this.#state.username === null) return;
    this.#socket.retryNow();
  }

  /**
   * Loads the page of messages before the oldest one held (oldest first);
   * stops for good once the server answers with an empty page.
   */
  loadOlder(): Promise<void> {
    return loadOlder(this.#options, {
      state: () => this.#state,
      update: (patch) => this.#update(patch),
      stopped: () => this.#closed,
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
    this.#socket.close();
    this.#typists.clear();
    this.#update({ status: "closed", joined: false, typing: [] });
  }

  #update(patch: Partial<ChatState>): void {
    this.#state = { ...this.#state, ...patch };
    for (const listener of this.#listeners) listener(this.#state);
  }

  /** The socket closed: not joined any more; true to reconnect. */
  #onLost(code: number): boolean {
    this.#typists.clear();
    this.#update({ joined: false, typing: [] });
    if (code === CLOSE_SIGNED_OUT) {
      this.#closed = true;
      this.#update({ status: "closed", alert: SIGNED_OUT_ALERT });
    }
    if (this.#closed) return false;
    if (this.#state.username === null || this.#state.needsName) {
      this.#update({ status: "idle" });
      return false;
    }
    return true;
  }

  #sendJoin(): void {
    const frame = joinFrame(this.#state, this.#options.clientId);
    if (frame) this.#socket.send(JSON.stringify(frame));
  }

  #write(frame: ClientFrame): boolean {
    return this.#socket.send(JSON.stringify(frame));
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

  #handle(event: ServerEvent): void {
    switch (event.type) {
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
      case "presence":
        for (const name of Array.isArray(event.left) ? event.left : []) {
          this.#typists.stop(name);
        }
        return this.#update(applyPresenceWindow(this.#state, {
          event,
          key: () => `n${this.#noticeCount++}`,
        }));
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
    this.#socket.resetBackoff();
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
      this.#socket.stop();
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
