/**
 * The live room's state as signals, split so each part of the page reads only
 * what it shows: a typing or presence event re-renders the chat bar or the
 * people list, never the messages.
 */

import {
  computed,
  type ReadonlySignal,
  type Signal,
  signal,
} from "@preact/signals";
import type { MessageEvent } from "../../protocol/events.ts";
import { canonicalName } from "../../protocol/names.ts";
import { ChatClient } from "../../client/chat_client.ts";
import { type ChatState, initialChatState } from "../../client/chat_state.ts";
import {
  loadClientId,
  loadLastRead,
  loadUsername,
  NAME_COOKIE,
  saveLastRead,
  saveUsername,
  setCookie,
  TZ_COOKIE,
} from "../../client/storage.ts";
import { rememberRoom } from "../../client/recent_rooms.ts";
import { messagesUrl, socketUrl } from "../../client/urls.ts";
import type { RoomRights } from "./room_rights.ts";
import type { MessageActions } from "../message_parts.tsx";
import { mentionsSelf } from "../rich_text.tsx";

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
  /** The signed-in account: the room joins under its name at once, with no name prompt. */
  account?: string | null;
  /** Server clock at render time, for "Today" and "Yesterday". */
  now: number;
  /** The reader's rights and the room's roles (rooms with access). */
  rights?: RoomRights;
}

/** How often "Today" and "Yesterday" are re-evaluated. */
const CLOCK_MS = 30_000;
/** Longest excerpt of a new message read out to screen readers. */
const ANNOUNCE_CHARS = 160;

/** Everything the parts of the room page share. */
export interface RoomModel {
  props: ChatRoomProps;
  state: Signal<ChatState>;
  /** Picks one field of the state; its readers re-render only when that field changes. */
  field<K extends keyof ChatState>(key: K): ReadonlySignal<ChatState[K]>;
  /** The reader's name: the joined one, or the cookie's until the island has loaded. */
  self: ReadonlySignal<string | null>;
  mounted: Signal<boolean>;
  zone: Signal<string>;
  now: Signal<number>;
  online: Signal<boolean>;
  membersOpen: Signal<boolean>;
  unreadFrom: Signal<string | null>;
  announcement: Signal<string>;
  /** Messages from others that arrived while scrolled up. */
  unseen: Signal<number>;
  /** True while the log is scrolled (nearly) to the newest message. */
  atBottom: Signal<boolean>;
  /** True while new messages should keep the log at its newest end. */
  stick: { current: boolean };
  client: ChatClient | null;
  /** Remembers the newest message as read when the reader can see it. */
  markRead(): void;
  /** Id of the message being edited in place. */
  editing: Signal<string | null>;
  /** The message the next one answers. */
  replyTo: Signal<MessageEvent | null>;
  /** What a message's buttons do (one stable object, so rows stay memoised). */
  actions: MessageActions;
  /** Starts editing our newest message (Up arrow in an empty composer); false when there is none. */
  editLast(): boolean;
}

/** Pages of older history read at most to find a message to jump to. */
const JUMP_MAX_PAGES = 20;
/** How long a jumped-to message stays highlighted. */
const HIGHLIGHT_MS = 2000;

function focusComposer(): void {
  document.getElementById("chat-input")?.focus();
}

/** Scrolls to message `id`, reading older history until it is loaded; says so when it is not there. */
async function jumpTo(model: RoomModel, id: string): Promise<void> {
  for (let page = 0; page <= JUMP_MAX_PAGES; page++) {
    const row = document.getElementById(`m-${id}`);
    if (row) {
      row.scrollIntoView({ block: "center" });
      row.classList.add("msg-highlight");
      row.tabIndex = -1;
      row.focus({ preventScroll: true });
      setTimeout(() => row.classList.remove("msg-highlight"), HIGHLIGHT_MS);
      return;
    }
    const state = model.state.peek();
    if (state.older === "done" || state.messages[0]?.id < id || !model.client) {
      break;
    }
    await model.client.loadOlder();
    await new Promise((resolve) => requestAnimationFrame(resolve));
  }
  model.announcement.value = "That message is no longer in the history.";
}

function createActions(model: RoomModel): MessageActions {
  return {
    reply(message) {
      model.replyTo.value = message;
      focusComposer();
    },
    react(id, options) {
      model.client?.react(id, options);
    },
    startEdit(id) {
      model.editing.value = id;
    },
    saveEdit(id, text) {
      const before = model.state.peek().messages.find((m) => m.id === id);
      const chat = model.client;
      const problem = before?.text === text
        ? null
        : chat
        ? chat.edit(id, text)
        : "Not connected yet.";
      if (problem === null) {
        model.editing.value = null;
        focusComposer();
      }
      return problem;
    },
    cancelEdit() {
      model.editing.value = null;
      focusComposer();
    },
    remove(id) {
      if (
        !confirm("Delete this message? Everyone will see that it was deleted.")
      ) {
        return;
      }
      model.client?.delete(id);
      focusComposer();
    },
    jump(id) {
      void jumpTo(model, id);
    },
  };
}

function announcementFor(messages: readonly MessageEvent[]): string {
  const latest = messages.at(-1)!;
  const said = latest.text ?? "";
  const text = said.length > ANNOUNCE_CHARS
    ? `${said.slice(0, ANNOUNCE_CHARS)}…`
    : said;
  const lead = messages.length === 1
    ? `${latest.username}:`
    : `${messages.length} new messages, latest from ${latest.username}:`;
  return `${lead} ${text}`;
}

/** The signals of one room island, before it connects. */
export function createRoomModel(props: ChatRoomProps): RoomModel {
  const state = signal<ChatState>(initialChatState({
    history: props.history,
    historyComplete: props.historyComplete,
    needsName: false,
  }));
  const fields = new Map<keyof ChatState, ReadonlySignal<unknown>>();
  const mounted = signal(false);
  const model: RoomModel = {
    props,
    state,
    field<K extends keyof ChatState>(key: K) {
      let slice = fields.get(key);
      if (!slice) fields.set(key, slice = computed(() => state.value[key]));
      return slice as ReadonlySignal<ChatState[K]>;
    },
    self: computed(() =>
      state.value.username ?? (mounted.value ? null : props.self ?? null)
    ),
    mounted,
    zone: signal(props.timeZone ?? "UTC"),
    now: signal(props.now),
    online: signal(true),
    membersOpen: signal(false),
    unreadFrom: signal<string | null>(null),
    announcement: signal(""),
    unseen: signal(0),
    atBottom: signal(true),
    stick: { current: true },
    client: null,
    editing: signal<string | null>(null),
    replyTo: signal<MessageEvent | null>(null),
    actions: undefined as unknown as MessageActions,
    editLast() {
      const self = model.self.peek();
      if (!self) return false;
      const me = canonicalName(self);
      const last = [...state.peek().messages].reverse().find((m) =>
        !m.deleted && canonicalName(m.username) === me
      );
      if (!last) return false;
      model.editing.value = last.id;
      return true;
    },
    markRead() {
      const newest = state.peek().messages.at(-1)?.id;
      if (newest && !document.hidden && model.stick.current) {
        saveLastRead(props.room, newest);
      }
    },
  };
  model.actions = createActions(model);
  return model;
}

/** Tells of a mention by a desktop notification while the page is hidden, once the reader allowed it. */
function notifyMentions(
  model: RoomModel,
  messages: readonly MessageEvent[],
): void {
  const self = model.self.peek();
  if (
    !document.hidden || !self || typeof Notification === "undefined" ||
    Notification.permission !== "granted"
  ) return;
  for (const message of messages) {
    if (!message.text || !mentionsSelf(message.text, self)) continue;
    const note = new Notification(
      `${message.username} in #${model.props.room}`,
      {
        body: message.text.slice(0, ANNOUNCE_CHARS),
        tag: `chat-${model.props.room}-${message.id}`,
      },
    );
    note.onclick = () => {
      focus();
      model.actions.jump(message.id);
      note.close();
    };
  }
}

/** Connects the room in the browser: socket, storage, title, clock; returns the cleanup. */
export function startRoom(model: RoomModel): () => void {
  const { props } = model;
  const { state } = model;
  const chat = new ChatClient({
    room: props.room,
    history: props.history,
    historyComplete: props.historyComplete,
    clientId: loadClientId(),
    socketUrl: socketUrl(location, props.room),
    messagesUrl: messagesUrl(location, props.room),
  });
  model.client = chat;
  const baseTitle = document.title;
  let hiddenCount = 0;
  let savedName: string | null = null;
  let lastId = props.history.at(-1)?.id ?? "";
  const onMessages = (messages: readonly MessageEvent[]) => {
    const previous = lastId;
    lastId = messages.at(-1)?.id ?? previous;
    const fresh = messages.filter((m) => m.id > previous);
    if (fresh.length === 0) return;
    const self = model.self.peek();
    const selfKey = self ? canonicalName(self) : null;
    const others = fresh.filter((m) =>
      canonicalName(m.username) !== selfKey && !m.deleted
    );
    if (others.length < fresh.length) model.unreadFrom.value = null;
    if (others.length > 0) {
      const away = document.hidden || !model.stick.current;
      if (document.hidden) {
        hiddenCount += others.length;
        document.title = `(${hiddenCount}) ${baseTitle}`;
      }
      if (!model.stick.current) model.unseen.value += others.length;
      if (away && model.unreadFrom.value === null) {
        model.unreadFrom.value = others[0].id;
      }
      model.announcement.value = announcementFor(others);
      notifyMentions(model, others);
    }
    model.markRead();
  };
  const unsubscribe = chat.subscribe((next) => {
    if (
      next.joined && next.username && next.username !== savedName &&
      !props.account
    ) {
      savedName = next.username;
      saveUsername(next.username);
      setCookie(NAME_COOKIE, next.username);
    }
    const before = state.peek().messages;
    const noticesBefore = state.peek().notices;
    state.value = next;
    if (next.messages !== before) onMessages(next.messages);
    const notice = next.notices.at(-1);
    if (next.notices !== noticesBefore && notice?.kind === "moderation") {
      model.announcement.value = notice.text ?? "";
    }
  });
  model.zone.value = Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  setCookie(TZ_COOKIE, model.zone.peek());
  rememberRoom(props.room);
  model.now.value = Date.now();
  model.online.value = navigator.onLine;
  const remembered = props.account ?? loadUsername();
  const lastRead = loadLastRead(props.room);
  if (lastRead) {
    const me = remembered ? canonicalName(remembered) : null;
    model.unreadFrom.value = props.history.find((m) =>
      m.id > lastRead && canonicalName(m.username) !== me
    )?.id ?? null;
  }
  model.mounted.value = true;
  state.value = chat.state;
  if (remembered) chat.join(remembered);
  const onOnline = () => {
    model.online.value = true;
    chat.reconnectNow();
  };
  const onOffline = () => model.online.value = false;
  const onVisibility = () => {
    if (document.hidden) {
      if (model.stick.current) model.unreadFrom.value = null;
      return;
    }
    hiddenCount = 0;
    document.title = baseTitle;
    model.markRead();
  };
  const clock = setInterval(() => model.now.value = Date.now(), CLOCK_MS);
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
}
