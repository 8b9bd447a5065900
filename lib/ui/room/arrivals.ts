/**
 * What the room makes of arriving messages, as pure functions: which are new
 * and from others, what a screen reader is told, the tab title while the page
 * is hidden, and where the unread ones start.
 */
import type { MessageEvent } from "../../protocol/events.ts";
import { canonicalName } from "../../protocol/names.ts";

/** Longest excerpt of a new message read out to screen readers. */
export const ANNOUNCE_CHARS = 160;

/** The messages after `after` (`fresh`), and those of them others wrote and did not delete (`others`). */
export function arrivals(
  messages: readonly MessageEvent[],
  options: { after: string; self: string | null },
): { fresh: MessageEvent[]; others: MessageEvent[] } {
  const fresh = messages.filter((m) => m.id > options.after);
  const self = options.self === null ? null : canonicalName(options.self);
  const others = fresh.filter((m) =>
    canonicalName(m.username) !== self && !m.deleted
  );
  return { fresh, others };
}

/** What a screen reader is told of new messages (at least one): who, and the newest one's start. */
export function announcementFor(messages: readonly MessageEvent[]): string {
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

/** The tab's title with `unread` messages waiting: "(3) #lobby". */
export function unreadTitle(base: string, unread: number): string {
  return unread > 0 ? `(${unread}) ${base}` : base;
}

/** The first message after `lastRead` that someone else wrote; null when there is none. */
export function firstUnread(
  history: readonly MessageEvent[],
  options: { lastRead: string; self: string | null },
): string | null {
  const self = options.self === null ? null : canonicalName(options.self);
  return history.find((m) =>
    m.id > options.lastRead && canonicalName(m.username) !== self
  )?.id ?? null;
}
