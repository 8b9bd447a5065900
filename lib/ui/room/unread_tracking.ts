/**
 * The room's attention to new messages from others: the "new messages" line,
 * the count on the jump button, the tab title while the page is hidden, what
 * screen readers hear, and mention notifications.
 */
import { effect, untracked } from "@preact/signals";
import type { MessageEvent } from "../../protocol/events.ts";
import { loadLastRead } from "../../client/storage.ts";
import {
  announcementFor,
  arrivals,
  firstUnread,
  unreadTitle,
} from "./arrivals.ts";
import { notifyMentions } from "./mention_notifications.ts";
import type { RoomModel } from "./room_model.ts";

/** Watches the model's messages from now on; `remembered` is the name the reader will join with. Returns the cleanup. */
export function trackUnread(
  model: RoomModel,
  options: { remembered: string | null },
): () => void {
  const { props } = model;
  const baseTitle = document.title;
  let hiddenCount = 0;
  let lastId = props.history.at(-1)?.id ?? "";
  const lastRead = loadLastRead(props.room);
  if (lastRead) {
    model.unreadFrom.value = firstUnread(props.history, {
      lastRead,
      self: options.remembered,
    });
  }
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
      if (away && model.unreadFrom.peek() === null) {
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
  const stop = effect(() => {
    const messages = model.field("messages").value;
    untracked(() => onMessages(messages));
  });
  const onVisibility = () => {
    if (document.hidden) {
      if (model.stick.current) model.unreadFrom.value = null;
      return;
    }
    hiddenCount = 0;
    document.title = baseTitle;
    model.markRead();
  };
  document.addEventListener("visibilitychange", onVisibility);
  return () => {
    stop();
    document.removeEventListener("visibilitychange", onVisibility);
  };
}
