/** What a deleted message leaves behind and what a reply quotes of its target, the same on server and client. */

import type { MessageEvent, ReplyQuote } from "./events.ts";
import { REPLY_QUOTE_LENGTH } from "./limits.ts";

/** What is left of `message` once deleted: who and when, no text, reactions or reply. */
export function tombstoneOf(message: MessageEvent): MessageEvent {
  return {
    type: "message",
    id: message.id,
    room: message.room,
    username: message.username,
    ts: message.ts,
    deleted: true,
  };
}

/** The quote a reply shows of `message` as it is now. */
export function quoteOf(message: MessageEvent): ReplyQuote {
  if (message.deleted) {
    return { id: message.id, username: message.username, deleted: true };
  }
  return {
    id: message.id,
    username: message.username,
    text: Array.from(message.text ?? "").slice(0, REPLY_QUOTE_LENGTH).join(""),
  };
}
