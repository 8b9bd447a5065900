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
import type { ChatClient } from "../../client/chat_client.ts";
import { type ChatState, initialChatState } from "../../client/chat_state.ts";
import { saveLastRead } from "../../client/storage.ts";
import { type Clock, systemClock } from "../../clock.ts";
import type { RoomRights } from "./room_rights.ts";
import type { MessageActions } from "../message_parts.tsx";
import { createActions } from "./message_actions.ts";

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
  /** Time and timers of the room in the browser (the client's too); the real clock by default. */
  clock: Clock;
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

/** The signals of one room island, before it connects. */
export function createRoomModel(
  props: ChatRoomProps,
  options: { clock?: Clock } = {},
): RoomModel {
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
    clock: options.clock ?? systemClock,
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
