/**
 * The browser side of the chat protocol, free of Preact so it can be tested
 * with a fake socket: connection, join, reconnect with backoff, resume with
 * `since`, de-duplication, typing, and the outbox of unacknowledged messages.
 */

import type {
  ClientFrame,
  ErrorCode,
  LogEvent,
  MessageEvent,
  ModerationFrame,
  PersonView,
  ServerEvent,
} from "../protocol/events.ts";
import { noticeWords } from "./notice_words.ts";
import { canonicalName, parseUsername } from "../protocol/names.ts";
import { applyChanges } from "./message_changes.ts";
import {
  DEFAULT_HISTORY_PAGE,
  MAX_HISTORY_PAGE,
  MAX_TEXT_LENGTH,
  TYPING_INTERVAL_MS,
} from "../protocol/limits.ts";
import { codePoints } from "../protocol/text.ts";

/** Where the connection stands. */
export type ConnectionStatus =
  | "idle"
  | "connecting"
  | "online"
  | "reconnecting"
  | "closed";

/** "bob joined" / "bob left" / a moderation action, placed after the newest message known when it happened. */
export interface Notice {
  key: string;
  kind: "joined" | "left" | "moderation";
  /** For moderation: the sentence to show. */
  text?: string;
  username: string;
  ts: number;
  afterId: string | null;
}

/** A message of ours that the server has not acknowledged yet. */
export interface OutgoingMessage {
  nonce: string;
  text: string;
  status: "queued" | "sending" | "failed";
  /** When it was written (epoch ms), to place it among the day separators. */
  createdAt: number;
  /** Why it failed, in plain words. */
  error?: string;
  /** False when sending it again cannot help (e.g. an invalid message). */
  retryable?: boolean;
  /** Id of the message it answers. */
  replyTo?: string;
}

/** Everything the view needs; a new object after every change. */
export interface ChatState {
  status: ConnectionStatus;
  /** The name we join with, once chosen. */
  username: string | null;
  /** True after a `welcome` on the current socket. */
  joined: boolean;
  /** True while the reader must (re)pick a name. */
  needsName: boolean;
  nameError: string | null;
  /** Stored messages, sorted by id, no duplicates, each as it is now. */
  messages: readonly MessageEvent[];
  /** Newest id of the room's sequence seen (a message or a change), to resume from. */
  lastId: string | null;
  notices: readonly Notice[];
  members: readonly string[];
  /** The same people with their kind and role, when the server says. */
  people: readonly PersonView[];
  /** Others typing right now. */
  typing: readonly string[];
  outbox: readonly OutgoingMessage[];
  /** The latest problem worth telling the reader, in plain words. */
  alert: string | null;
  /** When the next reconnect attempt starts (epoch ms). */
  retryAt: number | null;
  /** Paging back through older history: `done` once an empty page came back. */
  older: "idle" | "loading" | "done" | "error";
}

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

/** Timer functions, injectable for tests. */
export interface Timers {
  set(callback: () => void, ms: number): unknown;
  clear(id: unknown): void;
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

/** How long "bob is typing…" stays without another typing event. */
export const TYPING_TTL_MS = 3000;
/** Largest reconnect delay. */
export const BACKOFF_CAP_MS = 10_000;
const BACKOFF_BASE_MS = 500;
/** Join/leave notices kept (the newest): a join/leave flood cannot grow the page without end. */
export const MAX_NOTICES = 100;
const GAP_MAX_PAGES = 100;
const OPEN = 1;

/** Delay before reconnect attempt `attempt` (0-based): exponential, capped, with jitter in its upper half. */
export function backoffDelay(
  attempt: number,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** attempt);
  return Math.round(ceiling / 2 + random() * ceiling / 2);
}

/** Inserts messages into a list sorted by id, skipping ids already there. */
export function mergeMessages(
  sorted: readonly MessageEvent[],
  incoming: readonly MessageEvent[],
): MessageEvent[] {
  const seen = new Set(sorted.map((m) => m.id));
  const fresh = incoming.filter((m) => {
    if (seen.has(m.id)) return false;
    seen.add(m.id);
    return true;
  });
  if (fresh.length === 0) return sorted as MessageEvent[];
  const last = sorted.at(-1);
  fresh.sort(compareIds);
  if (!last || last.id < fresh[0].id) return [...sorted, ...fresh];
  return [...sorted, ...fresh].sort(compareIds);
}

function compareIds(a: MessageEvent, b: MessageEvent): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function checkLength(text: string): string | null {
  const trimmed = text.trim();
  if (trimmed.length === 0) return "Write something first.";
  if (codePoints(trimmed) > MAX_TEXT_LENGTH) {
    return `A message has at most ${MAX_TEXT_LENGTH} characters.`;
  }
  return null;
}

const PLAIN_WORDS: Partial<Record<ErrorCode, string>> = {
  name_taken:
    "Someone in this room is already using that name. Pick another one.",
  rate_limited:
    "You are sending messages too quickly. Wait a moment, then resend.",
  invalid_message:
    `That message could not be sent: it is empty or longer than ${MAX_TEXT_LENGTH} characters.`,
  server_error:
    "The server could not save that message. It was not sent; you can resend it.",
  too_large: "That message is too large to send.",
  kicked: "You were removed from this room.",
};

/** Turns a server error into a sentence for the reader. */
export function describeError(code: ErrorCode, message: string): string {
  return PLAIN_WORDS[code] ?? (message || "Something went wrong.");
}

function defaultNonce(): string {
  return crypto.randomUUID();
}

const defaultTimers: Timers = {
  set: (callback, ms) => setTimeout(callback, ms),
  clear: (id) => clearTimeout(id as number),
};

/** The state before any connection: the server-rendered history, nobody online. */
export function initialChatState(options: {
  history: readonly MessageEvent[];
  historyComplete?: boolean;
  /** True once the page knows it must ask for a name (false while rendering on the server). */
  needsName: boolean;
}): ChatState {
  return {
    status: "idle",
    username: null,
    joined: false,
    needsName: options.needsName,
    nameError: null,
    messages: mergeMessages([], options.history),
    lastId: null,
    notices: [],
    members: [],
    people: [],
    typing: [],
    outbox: [],
    alert: null,
    retryAt: null,
    older: options.historyComplete || options.history.length === 0
      ? "done"
      : "idle",
  };
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
  #attempt = 0;
  #retryTimer: unknown = null;
  #typingTimers = new Map<string, unknown>();
  #lastTypingSent = -Infinity;
  #noticeCount = 0;
  #closed = false;

  constructor(options: ChatClientOptions) {
    this.#options = options;
    this.#timers = options.timers ?? defaultTimers;
    this.#random = options.random ?? Math.random;
    this.#now = options.now ?? Date.now;
    this.#nonce = options.nonce ?? defaultNonce;
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
      this.#cancelRetry();
      this.#connect();
    }
    return true;
  }

  /** Edits one of our messages; returns an error sentence when the text cannot be sent. */
  edit(id: string, text: string): string | null {
    const invalid = checkLength(text);
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
    const invalid = checkLength(text);
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
    this.#update({
      outbox: this.#state.outbox.map((m) =>
        m.nonce === nonce && m.status === "failed"
          ? {
            nonce: m.nonce,
            text: m.text,
            status: "queued",
            createdAt: m.createdAt,
            replyTo: m.replyTo,
          }
          : m
      ),
    });
    this.#flush(false);
  }

  /** Drops a failed message from the outbox. */
  discard(nonce: string): void {
    this.#update({
      outbox: this.#state.outbox.filter((m) =>
        m.nonce !== nonce || m.status !== "failed"
      ),
    });
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
    this.#cancelRetry();
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
    const url = new URL(this.#options.messagesUrl);
    url.searchParams.set("before", oldest);
    url.searchParams.set("limit", String(DEFAULT_HISTORY_PAGE));
    let messages: MessageEvent[];
    try {
      messages = await this.#fetchPage(url);
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
    this.#cancelRetry();
    for (const id of this.#typingTimers.values()) this.#timers.clear(id);
    this.#typingTimers.clear();
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
      this.#clearTyping();
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
    const username = this.#state.username;
    if (username === null) return;
    const frame: ClientFrame = {
      type: "join",
      username,
      batch: true,
      presence: "coalesced",
    };
    if (this.#options.clientId) frame.clientId = this.#options.clientId;
    const since = [this.#state.lastId, this.#state.messages.at(-1)?.id]
      .filter((id) => typeof id === "string").sort().at(-1);
    if (since !== undefined) frame.since = since;
    socket.send(JSON.stringify(frame));
  }

  #scheduleReconnect(): void {
    const delay = backoffDelay(this.#attempt, this.#random);
    this.#attempt++;
    this.#update({ status: "reconnecting", retryAt: this.#now() + delay });
    this.#retryTimer = this.#timers.set(() => {
      this.#retryTimer = null;
      if (!this.#closed && !this.#socket) this.#connect();
    }, delay);
  }

  #cancelRetry(): void {
    if (this.#retryTimer !== null) this.#timers.clear(this.#retryTimer);
    this.#retryTimer = null;
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
    let changed = false;
    const outbox = this.#state.outbox.map((m) => {
      const due = m.status === "queued" ||
        (resendInFlight && m.status === "sending");
      if (!due) return m;
      const frame: ClientFrame = {
        type: "message",
        text: m.text,
        nonce: m.nonce,
      };
      if (m.replyTo !== undefined) frame.replyTo = m.replyTo;
      if (!this.#write(frame)) return m;
      changed = true;
      return { ...m, status: "sending" as const };
    });
    if (changed) this.#update({ outbox });
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
        return this.#update({
          notices: [...this.#state.notices, {
            key: `n${this.#noticeCount++}`,
            kind: "moderation",
            text: noticeWords(event),
            username: event.username,
            ts: event.ts,
            afterId: this.#state.messages.at(-1)?.id ?? null,
          }],
        });
      case "error":
        return this.#onError(event.code, event.message);
    }
  }

  #onWelcome(
    event: Extract<ServerEvent, { type: "welcome" }>,
  ): void {
    const lastKnown = this.#state.messages.at(-1)?.id ?? null;
    this.#attempt = 0;
    this.#update({
      status: "online",
      joined: true,
      username: event.username,
      needsName: false,
      nameError: null,
      members: event.members,
      people: event.people ?? [],
      retryAt: null,
      alert: null,
    });
    this.#onMessages(event.history ?? []);
    this.#flush(true);
    const oldest = event.history?.[0]?.id;
    if (event.truncated && oldest !== undefined) {
      void this.#fillGap(lastKnown, oldest);
    }
  }

  #onMessages(events: readonly LogEvent[]): void {
    if (events.length === 0) return;
    const incoming = events.filter((e): e is MessageEvent =>
      e.type === "message"
    );
    const messages = applyChanges(
      mergeMessages(this.#state.messages, incoming),
      events,
    );
    let lastId = this.#state.lastId;
    for (const event of events) {
      if (
        typeof event.id === "string" && (lastId === null || event.id > lastId)
      ) {
        lastId = event.id;
      }
    }
    let outbox = this.#state.outbox;
    let typing = this.#state.typing;
    for (const message of incoming) {
      typing = this.#stopTyping(typing, message.username);
      if (message.nonce === undefined) continue;
      const index = outbox.findIndex((m) => m.nonce === message.nonce);
      if (index === -1) continue;
      const acked = outbox[index];
      outbox = outbox.filter((_, i) => i !== index);
      if (acked.status === "failed") {
        outbox = this.#failOldestSending(outbox, acked);
      }
    }
    this.#update({ messages, outbox, typing, lastId });
  }

  /** Marks the oldest message in flight as failed (errors carry no nonce; the server answers in order). */
  #failOldestSending(
    outbox: readonly OutgoingMessage[],
    failure: Pick<OutgoingMessage, "error" | "retryable">,
  ): readonly OutgoingMessage[] {
    const index = outbox.findIndex((m) => m.status === "sending");
    if (index === -1) return outbox;
    return outbox.map((m, i) =>
      i === index
        ? {
          ...m,
          status: "failed" as const,
          error: failure.error,
          retryable: failure.retryable,
        }
        : m
    );
  }

  #onPresence(event: Extract<ServerEvent, { type: "joined" | "left" }>): void {
    const self = this.#state.username;
    const isSelf = self !== null &&
      canonicalName(self) === canonicalName(event.username);
    const patch: Partial<ChatState> = {
      members: Array.isArray(event.members)
        ? event.members
        : this.#state.members,
      people: Array.isArray(event.people) ? event.people : this.#state.people,
    };
    if (event.type === "left") {
      patch.typing = this.#stopTyping(this.#state.typing, event.username);
    }
    if (!isSelf) {
      patch.notices = [...this.#state.notices.slice(1 - MAX_NOTICES), {
        key: `n${this.#noticeCount++}`,
        kind: event.type,
        username: event.username,
        ts: event.ts,
        afterId: this.#state.messages.at(-1)?.id ?? null,
      }];
    }
    this.#update(patch);
  }

  #onTyping(username: string): void {
    const self = this.#state.username;
    if (self !== null && canonicalName(self) === canonicalName(username)) {
      return;
    }
    const previous = this.#typingTimers.get(username);
    if (previous !== undefined) this.#timers.clear(previous);
    this.#typingTimers.set(
      username,
      this.#timers.set(() => {
        this.#typingTimers.delete(username);
        this.#update({
          typing: this.#state.typing.filter((u) => u !== username),
        });
      }, TYPING_TTL_MS),
    );
    if (!this.#state.typing.includes(username)) {
      this.#update({ typing: [...this.#state.typing, username] });
    }
  }

  #stopTyping(
    typing: readonly string[],
    username: string,
  ): readonly string[] {
    const timer = this.#typingTimers.get(username);
    if (timer !== undefined) this.#timers.clear(timer);
    this.#typingTimers.delete(username);
    return typing.includes(username)
      ? typing.filter((u) => u !== username)
      : typing;
  }

  #clearTyping(): void {
    for (const id of this.#typingTimers.values()) this.#timers.clear(id);
    this.#typingTimers.clear();
  }

  #onError(code: ErrorCode, message: string): void {
    const words = code === "rate_limited" && message.startsWith("Slow mode")
      ? message
      : describeError(code, message);
    switch (code) {
      case "name_taken":
      case "invalid_username":
        if (!this.#state.joined) {
          this.#update({ needsName: true, nameError: words });
        }
        return;
      case "not_found":
        this.#update({
          outbox: this.#state.outbox.find((m) => m.status === "sending")
              ?.replyTo === undefined
            ? this.#state.outbox
            : this.#failOldestSending(this.#state.outbox, {
              error: "The message you answered is gone.",
              retryable: false,
            }),
          alert: words,
        });
        return;
      case "rate_limited":
      case "invalid_message":
      case "server_error":
      case "too_large":
        this.#update({
          outbox: this.#failOldestSending(this.#state.outbox, {
            error: words,
            retryable: code === "rate_limited" || code === "server_error",
          }),
          alert: words,
        });
        return;
      case "kicked":
        this.#closed = true;
        this.#cancelRetry();
        this.#update({ alert: message || words, status: "closed" });
        return;
      case "forbidden":
        this.#update({
          outbox: this.#state.joined
            ? this.#failOldestSending(this.#state.outbox, {
              error: message,
              retryable: false,
            })
            : this.#state.outbox,
          alert: message || words,
        });
        return;
      default:
        this.#update({ alert: words });
    }
  }

  async #fetchPage(url: URL): Promise<MessageEvent[]> {
    const res = await (this.#options.fetch ?? fetch)(url);
    if (!res.ok) {
      await res.body?.cancel();
      throw new Error(`status ${res.status}`);
    }
    const body = await res.json() as { messages?: MessageEvent[] };
    return Array.isArray(body.messages) ? body.messages : [];
  }

  async #fillGap(afterId: string | null, beforeId: string): Promise<void> {
    let before = beforeId;
    for (let page = 0; page < GAP_MAX_PAGES; page++) {
      const url = new URL(this.#options.messagesUrl);
      url.searchParams.set("before", before);
      url.searchParams.set("limit", String(MAX_HISTORY_PAGE));
      let messages: MessageEvent[];
      try {
        messages = await this.#fetchPage(url);
      } catch {
        this.#update({
          alert:
            "Some earlier messages could not be loaded. Reload the page to see them.",
        });
        return;
      }
      if (this.#closed) return;
      const wanted = messages.filter((m) => afterId === null || m.id > afterId);
      this.#onMessages(wanted);
      if (
        wanted.length < messages.length || messages.length < MAX_HISTORY_PAGE ||
        afterId === null
      ) return;
      before = messages[0].id;
    }
  }
}
