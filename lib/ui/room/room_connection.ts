/** The room's {@linkcode ChatClient} in the browser: its state into the model, the name kept for next time, back online → reconnect. */
import { ChatClient } from "../../client/chat_client.ts";
import {
  loadClientId,
  NAME_COOKIE,
  saveUsername,
  setCookie,
} from "../../client/storage.ts";
import { messagesUrl, socketUrl } from "../../client/urls.ts";
import type { RoomModel } from "./room_model.ts";

/** Creates the room's client (not joined yet) as `model.client` and keeps the model in step; returns the cleanup, which closes it. */
export function connectRoom(model: RoomModel): () => void {
  const { props, state } = model;
  const chat = new ChatClient({
    room: props.room,
    history: props.history,
    historyComplete: props.historyComplete,
    clientId: loadClientId(),
    socketUrl: socketUrl(location, props.room),
    messagesUrl: messagesUrl(location, props.room),
    clock: model.clock,
  });
  model.client = chat;
  let savedName: string | null = null;
  const unsubscribe = chat.subscribe((next) => {
    if (
      next.joined && next.username && next.username !== savedName &&
      !props.account
    ) {
      savedName = next.username;
      saveUsername(next.username);
      setCookie(NAME_COOKIE, next.username);
    }
    const noticesBefore = state.peek().notices;
    state.value = next;
    const notice = next.notices.at(-1);
    if (next.notices !== noticesBefore && notice?.kind === "moderation") {
      model.announcement.value = notice.text ?? "";
    }
  });
  model.online.value = navigator.onLine;
  const onOnline = () => {
    model.online.value = true;
    chat.reconnectNow();
  };
  const onOffline = () => model.online.value = false;
  addEventListener("online", onOnline);
  addEventListener("offline", onOffline);
  return () => {
    removeEventListener("online", onOnline);
    removeEventListener("offline", onOffline);
    unsubscribe();
    chat.close();
  };
}
