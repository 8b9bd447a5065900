/** Applying `edited`, `deleted` and `reaction` events to a client's list of messages. */

import type {
  ChangeEvent,
  LogEvent,
  MessageEvent,
  Reactions,
} from "../protocol/events.ts";
import { quoteOf, tombstoneOf } from "../protocol/message_shapes.ts";

function indexOf(messages: readonly MessageEvent[], id: string): number {
  let low = 0;
  let high = messages.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (messages[mid].id < id) low = mid + 1;
    else high = mid;
  }
  return messages[low]?.id === id ? low : -1;
}

function toggle(
  reactions: Reactions | undefined,
  change: { emoji: string; username: string; on: boolean },
): Reactions | undefined {
  const names = reactions?.[change.emoji] ?? [];
  if (names.includes(change.username) === change.on) return reactions;
  const next = { ...reactions };
  const left = change.on
    ? [...names, change.username]
    : names.filter((n) => n !== change.username);
  if (left.length > 0) next[change.emoji] = left;
  else delete next[change.emoji];
  return Object.keys(next).length > 0 ? next : undefined;
}

/** `message` after `change` (the same object when nothing changes). */
export function applyChange(
  message: MessageEvent,
  change: ChangeEvent,
): MessageEvent {
  if (message.deleted) return message;
  switch (change.type) {
    case "edited":
      if (change.text === undefined) return message;
      return { ...message, text: change.text, editedAt: change.editedAt };
    case "deleted":
      return tombstoneOf(message);
    case "reaction": {
      const reactions = toggle(message.reactions, change);
      if (reactions === message.reactions) return message;
      const { reactions: _, ...rest } = message;
      return reactions ? { ...rest, reactions } : rest;
    }
  }
}

/** Refreshes the reply quotes of `target` in `messages` (in place in the copy). */
function requote(messages: MessageEvent[], target: MessageEvent): void {
  for (let i = 0; i < messages.length; i++) {
    const reply = messages[i];
    if (reply.replyTo !== target.id || !reply.reply) continue;
    messages[i] = {
      ...reply,
      reply: quoteOf(target),
    };
  }
}

/** Applies the change events among `events`, in order, to `messages` (sorted by id); returns the same list when nothing changed. */
export function applyChanges(
  messages: readonly MessageEvent[],
  events: readonly LogEvent[],
): readonly MessageEvent[] {
  let list: MessageEvent[] | undefined;
  for (const event of events) {
    if (event.type === "message") continue;
    const current = list ?? messages;
    const index = indexOf(current, event.target);
    if (index === -1) continue;
    const next = applyChange(current[index], event);
    if (next === current[index]) continue;
    list ??= [...messages];
    list[index] = next;
    if (event.type !== "reaction") requote(list, next);
  }
  return list ?? messages;
}
