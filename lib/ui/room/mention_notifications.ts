/** Desktop notifications of mentions while the page is hidden, once the reader allowed them. */
import type { MessageEvent } from "../../protocol/events.ts";
import { mentionsSelf } from "../text_segments.ts";

/** Characters of a message shown in its notification. */
export const NOTIFICATION_CHARS = 160;

/** Tells of each message in `messages` that mentions `self`; a click focuses the page and calls `jump` with its id. */
export function notifyMentions(
  messages: readonly MessageEvent[],
  options: { room: string; self: string | null; jump: (id: string) => void },
): void {
  const { self } = options;
  if (
    !document.hidden || !self || typeof Notification === "undefined" ||
    Notification.permission !== "granted"
  ) return;
  for (const message of messages) {
    if (!message.text || !mentionsSelf(message.text, self)) continue;
    const note = new Notification(
      `${message.username} in #${options.room}`,
      {
        body: message.text.slice(0, NOTIFICATION_CHARS),
        tag: `chat-${options.room}-${message.id}`,
      },
    );
    note.onclick = () => {
      focus();
      options.jump(message.id);
      note.close();
    };
  }
}
