import { useSignal } from "@preact/signals";
import { useEffect, useLayoutEffect, useRef } from "preact/hooks";
import type { MessageEvent } from "../lib/chat/events.ts";
import { parseUsername } from "../lib/chat/names.ts";
import {
  ChatClient,
  type ChatState,
  MAX_MESSAGE_LENGTH,
} from "../lib/client/chat_client.ts";
import {
  loadClientId,
  loadUsername,
  saveUsername,
} from "../lib/client/storage.ts";
import { messagesUrl, socketUrl } from "../lib/client/urls.ts";
import { typingText } from "../lib/ui/format.ts";
import { Timeline } from "../lib/ui/timeline.tsx";

/** Props of the room island: JSON from the server render. */
export interface ChatRoomProps {
  /** Canonical room name. */
  room: string;
  /** Recent messages, oldest first, as rendered on the server. */
  history: MessageEvent[];
}

const STICK_THRESHOLD_PX = 48;

function initialState(history: MessageEvent[]): ChatState {
  return {
    status: "idle",
    username: null,
    joined: false,
    needsName: false,
    nameError: null,
    messages: history,
    notices: [],
    members: [],
    typing: [],
    outbox: [],
    alert: null,
    retryAt: null,
  };
}

function statusText(state: ChatState, mounted: boolean): string {
  if (!mounted) return "Live chat is loading…";
  switch (state.status) {
    case "idle":
      return state.needsName ? "Pick a name to join" : "Not connected";
    case "connecting":
      return "Connecting…";
    case "online":
      return "Connected";
    case "reconnecting":
      return "Connection lost. Reconnecting…";
    case "closed":
      return "Disconnected";
  }
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
    onSend: (text: string) => string | null;
    onTyping: () => void;
  },
) {
  const draft = useSignal("");
  const error = useSignal<string | null>(null);
  const input = useRef<HTMLTextAreaElement>(null);
  useEffect(() => input.current?.focus(), []);
  const submit = () => {
    const problem = props.onSend(draft.value);
    error.value = problem;
    if (problem === null) draft.value = "";
    input.current?.focus();
  };
  const rows = Math.min(6, draft.value.split("\n").length);
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
          rows={rows}
          placeholder={`Message #${props.room}`}
          enterkeyhint="send"
          aria-describedby="composer-hint"
          value={draft.value}
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
        <button type="submit" class="btn btn-primary">Send</button>
      </div>
      <p id="composer-hint" class="composer-hint">
        {error.value
          ? <span class="field-error" role="alert">{error.value}</span>
          : (
            <span>
              You are{" "}
              <bdi class="self-name">{props.username}</bdi>. Enter sends,
              Shift+Enter adds a line.
              {draft.value.length > MAX_MESSAGE_LENGTH - 200 &&
                ` ${[...draft.value.trim()].length}/${MAX_MESSAGE_LENGTH}`}
            </span>
          )}
      </p>
    </form>
  );
}

/** The live room: name prompt, messages, presence, typing, composer. */
export default function ChatRoom(props: ChatRoomProps) {
  const state = useSignal<ChatState>(initialState(props.history));
  const mounted = useSignal(false);
  const unseen = useSignal(0);
  const client = useRef<ChatClient | null>(null);
  const log = useRef<HTMLDivElement>(null);
  const stick = useRef(true);
  const seenCount = useRef(props.history.length);

  useEffect(() => {
    const chat = new ChatClient({
      room: props.room,
      history: props.history,
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
      }
      state.value = next;
    });
    mounted.value = true;
    state.value = chat.state;
    const remembered = loadUsername();
    if (remembered) chat.join(remembered);
    const online = () => chat.reconnectNow();
    addEventListener("online", online);
    return () => {
      removeEventListener("online", online);
      unsubscribe();
      chat.close();
    };
  }, []);

  const current = state.value;
  const total = current.messages.length + current.notices.length +
    current.outbox.length;

  useLayoutEffect(() => {
    const el = log.current;
    if (!el) return;
    if (stick.current) {
      el.scrollTop = el.scrollHeight;
      unseen.value = 0;
    } else if (total > seenCount.current) {
      unseen.value += total - seenCount.current;
    }
    seenCount.current = total;
  });

  const scrollToEnd = () => {
    const el = log.current;
    if (!el) return;
    stick.current = true;
    el.scrollTop = el.scrollHeight;
    unseen.value = 0;
  };

  const isMounted = mounted.value;
  const chat = client.current;
  const typing = typingText(current.typing);

  return (
    <div class={`chat chat-${isMounted ? current.status : "static"}`}>
      <div class="chat-bar">
        <p class={`status status-${isMounted ? current.status : "static"}`}>
          <span class="status-dot" aria-hidden="true"></span>
          <span role="status">{statusText(current, isMounted)}</span>
          {isMounted && current.status === "reconnecting" && (
            <button
              type="button"
              class="btn btn-small btn-quiet"
              onClick={() => chat?.reconnectNow()}
            >
              Retry now
            </button>
          )}
        </p>
        <p class="members-inline">
          {current.members.length > 0
            ? `${current.members.length} online: ${current.members.join(", ")}`
            : ""}
        </p>
      </div>
      <div class="chat-main">
        <div
          ref={log}
          class="log"
          role="log"
          aria-label={`Messages in #${props.room}`}
          tabIndex={0}
          onScroll={(event) => {
            const el = event.currentTarget;
            stick.current = el.scrollHeight - el.scrollTop - el.clientHeight <
              STICK_THRESHOLD_PX;
            if (stick.current) unseen.value = 0;
          }}
        >
          <Timeline
            messages={current.messages}
            notices={current.notices}
            outbox={current.outbox}
            self={current.username}
            timeZone={isMounted ? undefined : "UTC"}
            onResend={(nonce) => chat?.resend(nonce)}
            onDiscard={(nonce) => chat?.discard(nonce)}
          />
        </div>
        {unseen.value > 0 && (
          <button type="button" class="btn jump" onClick={scrollToEnd}>
            {unseen.value === 1 ? "1 new message" : `${unseen.value} new`} ↓
          </button>
        )}
        <aside class="members" aria-labelledby="members-heading">
          <h2 id="members-heading" class="members-heading">
            Online{" "}
            <span class="count">
              {current.joined ? current.members.length : ""}
            </span>
          </h2>
          {current.joined
            ? (
              <ul class="members-list">
                {current.members.map((name) => (
                  <li key={name}>
                    <bdi>{name}</bdi>
                    {name === current.username && (
                      <span class="you">
                        (you)
                      </span>
                    )}
                  </li>
                ))}
              </ul>
            )
            : <p class="members-empty">Join to see who is here.</p>}
        </aside>
      </div>
      <p class="typing" aria-live="polite">{typing}</p>
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
              onSend={(text) => chat ? chat.send(text) : "Not connected yet."}
              onTyping={() => chat?.typing()}
            />
          )}
      </div>
    </div>
  );
}
