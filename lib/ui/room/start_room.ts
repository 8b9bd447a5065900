/**
 * The room island in the browser: connects its {@linkcode ChatClient}, keeps
 * the model's signals in step with the client, and looks after the page
 * around it (title, stored name and zone, online and visibility, "Today").
 */
import { ChatClient } from "../../client/chat_client.ts";
import type { MessageEvent } from "../../protocol/events.ts";
import {
  loadClientId,
  loadLastRead,
  loadUsername,
  NAME_COOKIE,
  saveUsername,
  setCookie,
  TZ_COOKIE,
} from "../../client/storage.ts";
import { rememberRoom } from "../../client/recent_rooms.ts";
import { messagesUrl, socketUrl } from "../../client/urls.ts";
import { repeat } from "../../clock.ts";
import {
  announcementFor,
  arrivals,
  firstUnread,
  unreadTitle,
} from "./arrivals.ts";
import { notifyMentions } from "./mention_notifications.ts";
import type { RoomModel } from "./room_model.ts";

/** How often "Today" and "Yesterday" are re-evaluated. */
export const CLOCK_MS = 30_000;

/** Connects the room in the browser: socket, storage, title, clock; returns the cleanup. */
export function startRoom(model: RoomModel): () => void {
  const { props, state, clock } = model;
  const chat = new ChatClient({
    room: props.room,
    history: props.history,
    historyComplete: props.historyComplete,
    clientId: loadClientId(),
    socketUrl: socketUrl(location, props.room),
    messagesUrl: messagesUrl(location, props.room),
    clock,
  });
  model.client = chat;
  const baseTitle = document.title;
  let hiddenCount = 0;
  let savedName: string | null = null;
  let lastId = props.history.at(-1)?.id ?? "";
  const onMessages = (messages: readonly MessageEvent[]) => {
    const self = model.self.peek();
    const { fresh, others } = arrivals(messages, { after: lastId, self });
    lastId = messages.at(-1)?.id ?? lastId;
    if (fresh.length === 0) return;
    if (others.length < fresh.length) model.unreadFrom.value = null;
    if (others.length > 0) {
      const away = document.hidden || !model.stick.current;
      if (document.hidden) {
        hiddenCount += others.length;
        document.title = unreadTitle(baseTitle, hiddenCount);
      }
      if (!model.stick.current) model.unseen.value += others.length;
      if (away && model.unreadFrom.value === null) {
        model.unreadFrom.value = others[0].id;
      }
      model.announcement.value = announcementFor(others);
      notifyMentions(others, {
        room: props.room,
        self,
        jump: model.actions.jump,
      });
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
  model.now.value = clock.now();
  model.online.value = navigator.onLine;
  const remembered = props.account ?? loadUsername();
  const lastRead = loadLastRead(props.room);
  if (lastRead) {
    model.unreadFrom.value = firstUnread(props.history, {
      lastRead,
      self: remembered,
    });
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
  const stopClock = repeat(() => model.now.value = clock.now(), {
    everyMs: CLOCK_MS,
    clock,
  });
  addEventListener("online", onOnline);
  addEventListener("offline", onOffline);
  document.addEventListener("visibilitychange", onVisibility);
  return () => {
    stopClock();
    removeEventListener("online", onOnline);
    removeEventListener("offline", onOffline);
    document.removeEventListener("visibilitychange", onVisibility);
    unsubscribe();
    chat.close();
  };
}
