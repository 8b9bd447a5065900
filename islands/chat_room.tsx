import { useSignal } from "@preact/signals";
import { useEffect, useLayoutEffect, useRef } from "preact/hooks";
import type { MessageEvent } from "../lib/chat/events.ts";
import { canonicalName, parseUsername } from "../lib/chat/names.ts";
import {
  ChatClient,
  type ChatState,
  initialChatState,
  MAX_MESSAGE_LENGTH,
} from "../lib/client/chat_client.ts";
import {
  loadClientId,
  loadLastRead,
  loadUsername,
  NAME_COOKIE,
  saveLastRead,
  saveUsername,
  setCookie,
  TZ_COOKIE,
} from "../lib/client/storage.ts";
import { rememberRoom } from "../lib/client/recent_rooms.ts";
import { messagesUrl, socketUrl } from "../lib/client/urls.ts";
import { typingText } from "../lib/ui/timeline_format.ts";
import { colorSlot, initial, Timeline } from "../lib/ui/timeline.tsx";

/** Props of the room island: JSON from the server render. */
export interface ChatRoomProps {
  /** Canonical room name. */
  room: string;
  /** Recent messages, oldest first, as rendered on the server. */
  history: MessageEvent[];
  /** True when `history` starts at the room's first message. */
  historyComplete?: boolean;
  /** Zone the server printed times in (the reader's cookie zone, or UTC). */
  timeZone?: string;
  /** The reader's name as the server knew it (cookie), to render their messages as theirs. */
  self?: string | null;
  /** Server clock at render time, for "Today" and "Yesterday". */
  now: number;
}

const STICK_PX = 48;
const JUMP_PX = 160;
const OLDER_PX = 400;
const ANNOUNCE_CHARS = 160;

interface Anchor {
  key: string;
  offset: number;
}

function statusText(state: ChatState, mounted: boolean): string {
  if (!mounted) return "Loading live chat…";
  switch (state.status) {
    case "idle":
      return state.needsName ? "Pick a name to join" : "Not connected";
    case "connecting":
      return "Connecting…";
    case "online":
      return "Connected";
    case "reconnecting":
      return "Reconnecting…";
    case "closed":
      return "Disconnected";
  }
}

function fromBottom(el: HTMLElement): number {
  return Math.max(0, -el.scrollTop);
}

function fromTop(el: HTMLElement): number {
  return el.scrollHeight - el.clientHeight - fromBottom(el);
}

function captureAnchor(el: HTMLElement): Anchor | null {
  const items = el.querySelectorAll<HTMLElement>("[data-key]");
  const top = el.getBoundingClientRect().top;
  let low = 0;
  let high = items.length - 1;
  let found: HTMLElement | null = null;
  while (low <= high) {
    const mid = (low + high) >> 1;
    const rect = items[mid].getBoundingClientRect();
    if (rect.bottom > top) {
      found = items[mid];
      high = mid - 1;
    } else {
      low = mid + 1;
    }
  }
  if (!found) return null;
  return {
    key: found.dataset.key!,
    offset: found.getBoundingClientRect().top - top,
  };
}

function announcementFor(messages: readonly MessageEvent[]): string {
  const latest = messages.at(-1)!;
  const text = latest.text.length > ANNOUNCE_CHARS
    ? `${latest.text.slice(0, ANNOUNCE_CHARS)}…`
    : latest.text;
  const lead = messages.length === 1
    ? `${latest.username}:`
    : `${messages.length} new messages, latest from ${latest.username}:`;
  return `${lead} ${text}`;
}

function NameForm(
  props: {
    room: string;
    initial: string;
    error: string | null;
    onSubmit: (name: string) => void;
  },
) {
  const draft = useSignal(props.initial);
  const localError = useSignal<string | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const error = localError.value ?? props.error;
  useEffect(() => {
    input.current?.focus();
    if (props.error) input.current?.select();
  }, [props.error]);
  return (
    <form
      class="name-form"
      onSubmit={(event) => {
        event.preventDefault();
        const parsed = parseUsername(draft.value);
        if (!parsed.ok) {
          localError.value = parsed.reason;
          input.current?.focus();
          return;
        }
        localError.value = null;
        props.onSubmit(parsed.name);
      }}
    >
      <label for="chat-name" class="field-label">
        Pick a name to join <span class="room-ref">#{props.room}</span>
      </label>
      <div class="field-row">
        <input
          ref={input}
          id="chat-name"
          name="username"
          class="input"
          autocomplete="nickname"
          autocapitalize="off"
          spellcheck={false}
          placeholder="e.g. alice"
          maxLength={64}
          value={draft.value}
          aria-invalid={error ? "true" : undefined}
          aria-describedby="chat-name-error"
          onInput={(event) => {
            draft.value = event.currentTarget.value;
            localError.value = null;
          }}
        />
        <button type="submit" class="btn btn-primary">Join</button>
      </div>
      <p id="chat-name-error" class="field-error" role="alert">
        {error ?? ""}
      </p>
    </form>
  );
}

function Composer(
  props: {
    room: string;
    username: string;
    /** Why sending is impossible right now, or null when it is possible. */
    blocked: string | null;
    onSend: (text: string) => string | null;
    onTyping: () => void;
  },
) {
  const draft = useSignal("");
  const error = useSignal<string | null>(null);
  const input = useRef<HTMLTextAreaElement>(null);
  const wasFocused = useRef(true);
  const disabled = props.blocked !== null;
  useEffect(() => {
    if (!disabled && wasFocused.current) input.current?.focus();
  }, [disabled]);
  const submit = () => {
    if (disabled) return;
    const problem = props.onSend(draft.value);
    error.value = problem;
    if (problem === null) draft.value = "";
    input.current?.focus();
  };
  const lines = draft.value.split("\n").length;
  const length = [...draft.value.trim()].length;
  return (
    <form
      class="composer"
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
    >
      <div class="field-row">
        <label for="chat-input" class="visually-hidden">
          Message #{props.room}
        </label>
        <textarea
          ref={input}
          id="chat-input"
          name="text"
          class="input composer-input"
          rows={Math.min(6, lines)}
          placeholder={disabled
            ? "Waiting for the connection…"
            : `Message #${props.room}`}
          enterkeyhint="send"
          aria-describedby="composer-hint"
          disabled={disabled}
          value={draft.value}
          onFocus={() => wasFocused.current = true}
          onBlur={() => {
            wasFocused.current = document.activeElement === input.current;
          }}
          onInput={(event) => {
            draft.value = event.currentTarget.value;
            if (error.value) error.value = null;
            if (draft.value.trim() !== "") props.onTyping();
          }}
          onKeyDown={(event) => {
            if (
              event.key === "Enter" && !event.shiftKey && !event.isComposing
            ) {
              event.preventDefault();
              submit();
            }
          }}
        />
        <button
          type="submit"
          class="btn btn-primary btn-send"
          disabled={disabled}
        >
          Send
        </button>
      </div>
      <p id="composer-hint" class="composer-hint">
        {props.blocked
          ? <span class="composer-blocked">{props.blocked}</span>
          : error.value
          ? <span class="field-error" role="alert">{error.value}</span>
          : (
            <span>
              Sending as <bdi class="self-name">{props.username}</bdi>
              <span class="hint-keys">
                {" · "}Enter sends, Shift+Enter adds a line
              </span>
              {length > MAX_MESSAGE_LENGTH - 200 &&
                ` · ${length}/${MAX_MESSAGE_LENGTH}`}
            </span>
          )}
      </p>
    </form>
  );
}

function Members(
  props: {
    state: ChatState;
    open: boolean;
  },
) {
  const { state } = props;
  return (
    <aside
      id="members-panel"
      class={props.open ? "members members-open" : "members"}
      aria-labelledby="members-heading"
    >
      <h2 id="members-heading" class="members-heading">
        Online{" "}
        <span class="count">{state.joined ? state.members.length : ""}</span>
      </h2>
      {state.joined
        ? (
          <ul class="members-list">
            {state.members.map((name) => (
              <li key={name}>
                <span
                  class={`avatar avatar-small avatar-${colorSlot(name)}`}
                  aria-hidden="true"
                >
                  {initial(name)}
                </span>
                <bdi class="member-name">{name}</bdi>
                {name === state.username && <span class="you">(you)</span>}
              </li>
            ))}
          </ul>
        )
        : <p class="members-empty">Join to see who is here.</p>}
    </aside>
  );
}

/** The live room: name prompt, messages, presence, typing, composer. */
export default function ChatRoom(props: ChatRoomProps) {
  const state = useSignal<ChatState>(
    initialChatState({
      history: props.history,
      historyComplete: props.historyComplete,
      needsName: false,
    }),
  );
  const mounted = useSignal(false);
  const zone = useSignal(props.timeZone ?? "UTC");
  const now = useSignal(props.now);
  const atBottom = useSignal(true);
  const unseen = useSignal(0);
  const unreadFrom = useSignal<string | null>(null);
  const announcement = useSignal("");
  const membersOpen = useSignal(false);
  const online = useSignal(true);
  const client = useRef<ChatClient | null>(null);
  const log = useRef<HTMLDivElement>(null);
  const toggle = useRef<HTMLButtonElement>(null);
  const stick = useRef(true);
  const anchor = useRef<Anchor | null>(null);
  const lastId = useRef(props.history.at(-1)?.id ?? "");
  const hiddenCount = useRef(0);
  const baseTitle = useRef("");
  const everOnline = useRef(false);

  const current = state.value;
  const self = current.username ?? (mounted.value ? null : props.self ?? null);
  const selfKey = self ? canonicalName(self) : null;

  const markRead = () => {
    const newest = state.peek().messages.at(-1)?.id;
    if (newest && !document.hidden && stick.current) {
      saveLastRead(props.room, newest);
    }
  };

  useEffect(() => {
    const chat = new ChatClient({
      room: props.room,
      history: props.history,
      historyComplete: props.historyComplete,
      clientId: loadClientId(),
      socketUrl: socketUrl(location, props.room),
      messagesUrl: messagesUrl(location, props.room),
    });
    client.current = chat;
    let savedName: string | null = null;
    const unsubscribe = chat.subscribe((next) => {
      if (next.joined && next.username && next.username !== savedName) {
        savedName = next.username;
        saveUsername(next.username);
        setCookie(NAME_COOKIE, next.username);
      }
      state.value = next;
    });
    baseTitle.current = document.title;
    zone.value = Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
    setCookie(TZ_COOKIE, zone.value);
    rememberRoom(props.room);
    now.value = Date.now();
    online.value = navigator.onLine;
    const remembered = loadUsername();
    const lastRead = loadLastRead(props.room);
    if (lastRead) {
      const me = remembered ? canonicalName(remembered) : null;
      unreadFrom.value = props.history.find((m) =>
        m.id > lastRead && canonicalName(m.username) !== me
      )?.id ?? null;
    }
    mounted.value = true;
    state.value = chat.state;
    if (remembered) chat.join(remembered);
    const onOnline = () => {
      online.value = true;
      chat.reconnectNow();
    };
    const onOffline = () => online.value = false;
    const onVisibility = () => {
      if (document.hidden) {
        if (stick.current) unreadFrom.value = null;
        return;
      }
      hiddenCount.current = 0;
      document.title = baseTitle.current;
      markRead();
    };
    const clock = setInterval(() => now.value = Date.now(), 30_000);
    addEventListener("online", onOnline);
    addEventListener("offline", onOffline);
    document.addEventListener("visibilitychange", onVisibility);
    return () => {
      clearInterval(clock);
      removeEventListener("online", onOnline);
      removeEventListener("offline", onOffline);
      document.removeEventListener("visibilitychange", onVisibility);
      unsubscribe();
      chat.close();
    };
  }, []);

  useEffect(() => {
    if (current.status !== "reconnecting") return;
    now.value = Date.now();
    const tick = setInterval(() => now.value = Date.now(), 1000);
    return () => clearInterval(tick);
  }, [current.status]);

  useEffect(() => {
    const messages = current.messages;
    const previous = lastId.current;
    lastId.current = messages.at(-1)?.id ?? previous;
    if (!mounted.peek()) return;
    const fresh = messages.filter((m) => m.id > previous);
    if (fresh.length === 0) return;
    const others = fresh.filter((m) => canonicalName(m.username) !== selfKey);
    if (others.length < fresh.length) unreadFrom.value = null;
    if (others.length > 0) {
      const away = document.hidden || !stick.current;
      if (document.hidden) {
        hiddenCount.current += others.length;
        document.title = `(${hiddenCount.current}) ${baseTitle.current}`;
      }
      if (!stick.current) unseen.value += others.length;
      if (away && unreadFrom.peek() === null) unreadFrom.value = others[0].id;
      announcement.value = announcementFor(others);
    }
    markRead();
  }, [current.messages]);

  useLayoutEffect(() => {
    const el = log.current;
    if (!el) return;
    if (stick.current) {
      el.scrollTop = 0;
    } else if (anchor.current) {
      const { key, offset } = anchor.current;
      const item = el.querySelector(`[data-key="${CSS.escape(key)}"]`);
      if (item) {
        const delta = item.getBoundingClientRect().top -
          el.getBoundingClientRect().top - offset;
        if (Math.abs(delta) >= 1) el.scrollTop += delta;
      }
    }
    anchor.current = captureAnchor(el);
    if (
      mounted.peek() && current.older === "idle" && fromTop(el) < OLDER_PX &&
      el.scrollHeight <= el.clientHeight
    ) {
      void client.current?.loadOlder();
    }
  });

  const scrollToEnd = () => {
    const el = log.current;
    if (!el) return;
    stick.current = true;
    atBottom.value = true;
    unseen.value = 0;
    el.scrollTop = 0;
    markRead();
    const input = document.getElementById("chat-input");
    (input && !(input as HTMLTextAreaElement).disabled ? input : el).focus();
  };

  const isMounted = mounted.value;
  const chat = client.current;
  const typing = typingText(current.typing);
  const offline = isMounted && !online.value;
  if (current.status === "online") everOnline.current = true;
  const reconnecting = isMounted && everOnline.current &&
    (current.status === "reconnecting" || current.status === "connecting");
  const secondsLeft = current.retryAt === null
    ? 0
    : Math.max(0, Math.ceil((current.retryAt - now.value) / 1000));
  const blocked = !isMounted
    ? "Loading…"
    : offline
    ? "Offline: your draft is kept until the connection is back."
    : current.status === "online" && current.joined
    ? null
    : current.status === "reconnecting"
    ? "Reconnecting: you can send once the connection is back."
    : "Connecting…";
  const count = current.joined ? current.members.length : 0;

  return (
    <div
      class={`chat chat-${isMounted ? current.status : "static"}`}
      onKeyDown={(event) => {
        if (event.key === "Escape" && membersOpen.value) {
          membersOpen.value = false;
          toggle.current?.focus();
        }
      }}
    >
      <div class="chat-bar">
        <p class={`status status-${isMounted ? current.status : "static"}`}>
          <span class="status-dot" aria-hidden="true"></span>
          <span role="status">{statusText(current, isMounted)}</span>
        </p>
        <p class="typing">{typing}</p>
        <button
          ref={toggle}
          type="button"
          class="btn btn-small members-toggle"
          aria-expanded={membersOpen.value ? "true" : "false"}
          aria-controls="members-panel"
          onClick={() => membersOpen.value = !membersOpen.value}
        >
          <svg
            class="icon"
            viewBox="0 0 24 24"
            width="18"
            height="18"
            aria-hidden="true"
          >
            <path d="M9 11a4 4 0 1 0 0-8 4 4 0 0 0 0 8Zm7 0a3 3 0 1 0 0-6 3 3 0 0 0 0 6ZM2 20c0-3.3 3.1-6 7-6s7 2.7 7 6v1H2v-1Zm15.5 1v-1c0-2-1-3.8-2.5-5 .5-.1 1-.2 1.5-.2 3 0 5.5 2.1 5.5 4.8V21h-4.5Z" />
          </svg>
          People<span class="badge">{count > 0 ? count : ""}</span>
        </button>
      </div>
      <div class="chat-main">
        <div class="chat-column">
          <div class="log-wrap">
            <div class="banner-slot" role="status">
              {(reconnecting || offline) && (
                <div class="banner">
                  <span class="banner-text">
                    {offline
                      ? "You are offline."
                      : secondsLeft > 0
                      ? `Connection lost. Retrying in ${secondsLeft} s…`
                      : "Connection lost. Reconnecting…"}
                  </span>
                  {!offline && (
                    <button
                      type="button"
                      class="btn btn-small btn-quiet"
                      onClick={() => chat?.reconnectNow()}
                    >
                      Retry now
                    </button>
                  )}
                </div>
              )}
            </div>
            <div
              ref={log}
              class="log"
              role="region"
              aria-label={`Messages in #${props.room}`}
              tabIndex={0}
              onScroll={(event) => {
                const el = event.currentTarget;
                const distance = fromBottom(el);
                stick.current = distance < STICK_PX;
                atBottom.value = distance < JUMP_PX;
                if (stick.current) {
                  unseen.value = 0;
                  markRead();
                }
                anchor.current = captureAnchor(el);
                if (fromTop(el) < OLDER_PX) void chat?.loadOlder();
              }}
            >
              <div class="log-inner">
                <div class="history-edge">
                  {current.messages.length === 0
                    ? null
                    : current.older === "done"
                    ? (
                      <p class="history-start">
                        This is the start of #{props.room}.
                      </p>
                    )
                    : !isMounted
                    ? null
                    : current.older === "loading"
                    ? <p class="history-loading">Loading older messages…</p>
                    : (
                      <button
                        type="button"
                        class="btn btn-small btn-quiet"
                        onClick={() => chat?.loadOlder()}
                      >
                        {current.older === "error"
                          ? "Older messages could not be loaded. Try again"
                          : "Load older messages"}
                      </button>
                    )}
                </div>
                <Timeline
                  messages={current.messages}
                  notices={current.notices}
                  outbox={current.outbox}
                  self={self}
                  timeZone={zone.value}
                  now={now.value}
                  unreadFrom={unreadFrom.value}
                  onResend={(nonce) => chat?.resend(nonce)}
                  onDiscard={(nonce) => chat?.discard(nonce)}
                />
              </div>
            </div>
            {isMounted && !atBottom.value && (
              <button
                type="button"
                class="btn jump"
                onClick={scrollToEnd}
              >
                <span aria-hidden="true">↓</span>
                {unseen.value === 0
                  ? "Jump to newest"
                  : unseen.value === 1
                  ? "1 new message"
                  : `${unseen.value} new messages`}
              </button>
            )}
          </div>
          <div class="visually-hidden" aria-live="polite" aria-atomic="true">
            {announcement.value}
          </div>
          {current.alert && (
            <p class="alert" role="alert">
              <span>{current.alert}</span>
              <button
                type="button"
                class="btn btn-small btn-quiet"
                onClick={() => chat?.dismissAlert()}
              >
                Dismiss
              </button>
            </p>
          )}
          <div class="chat-footer">
            {!isMounted
              ? (
                <p class="footer-note">
                  Live chat starts once the page has loaded.
                </p>
              )
              : current.needsName || current.username === null
              ? (
                <NameForm
                  room={props.room}
                  initial={current.username ?? loadUsername() ?? ""}
                  error={current.nameError}
                  onSubmit={(name) => chat?.join(name)}
                />
              )
              : (
                <Composer
                  room={props.room}
                  username={current.username}
                  blocked={blocked}
                  onSend={(text) => {
                    unreadFrom.value = null;
                    return chat ? chat.send(text) : "Not connected yet.";
                  }}
                  onTyping={() => chat?.typing()}
                />
              )}
          </div>
        </div>
        <Members
          state={current}
          open={membersOpen.value}
        />
      </div>
    </div>
  );
}
