/**
 * How the timeline is laid out, as pure functions: messages, notices and our
 * unsent messages in order, with day separators, the "new messages" line,
 * folded notices and sender groups.
 */
import type { MessageEvent } from "../protocol/events.ts";
import { canonicalName } from "../protocol/names.ts";
import type { Notice, OutgoingMessage } from "../client/chat_state.ts";
import { dayKey, formatDay } from "./timeline_format.ts";

/** Messages of one sender closer together than this share one group. */
export const GROUP_GAP_MS = 5 * 60_000;

/** What {@linkcode buildRows} lays out. */
export interface RowsInput {
  messages: readonly MessageEvent[];
  notices?: readonly Notice[];
  outbox?: readonly OutgoingMessage[];
  /** Our own name, to tell our messages and mentions apart. */
  self?: string | null;
  /** Zone of the printed times; the server renders with the reader's cookie zone or UTC. */
  timeZone?: string;
  /** "Today" is the day of `now`. */
  now: number;
  /** Id of the first unread message: the "new messages" line goes before it. */
  unreadFrom?: string | null;
}

type Entry =
  | {
    kind: "message";
    key: string;
    ts: number;
    author: string;
    message: MessageEvent;
  }
  | {
    kind: "pending";
    key: string;
    ts: number;
    author: string;
    entry: OutgoingMessage;
  }
  | { kind: "notice"; key: string; ts: number; notice: Notice };

/** One line of the timeline, as {@linkcode buildRows} lays it out. */
export type Row =
  | { kind: "day"; key: string; label: string }
  | { kind: "unread"; key: string }
  | { kind: "notices"; key: string; notices: Notice[] }
  | {
    kind: "message" | "pending";
    key: string;
    own: boolean;
    /** First of its group: shows the sender. */
    first: boolean;
    /** Last of its group. */
    last: boolean;
    message?: MessageEvent;
    entry?: OutgoingMessage;
  };

const AUTHOR_KEYS = new WeakMap<MessageEvent, string>();

/** The canonical sender of a message, worked out once per message object. */
function authorKey(message: MessageEvent): string {
  let key = AUTHOR_KEYS.get(message);
  if (key === undefined) {
    AUTHOR_KEYS.set(message, key = canonicalName(message.username));
  }
  return key;
}

function entries(props: RowsInput): Entry[] {
  const notices = props.notices ?? [];
  const ids = new Set(props.messages.map((m) => m.id));
  const lastId = props.messages.at(-1)?.id ?? null;
  const byAfter = new Map<string | null, Notice[]>();
  for (const notice of notices) {
    const key = notice.afterId === null || ids.has(notice.afterId)
      ? notice.afterId
      : lastId;
    const list = byAfter.get(key);
    if (list) list.push(notice);
    else byAfter.set(key, [notice]);
  }
  const noticeEntries = (key: string | null): Entry[] =>
    (byAfter.get(key) ?? []).map((notice) => ({
      kind: "notice",
      key: notice.key,
      ts: notice.ts,
      notice,
    }));
  const list: Entry[] = noticeEntries(null);
  for (const message of props.messages) {
    list.push({
      kind: "message",
      key: message.id,
      ts: message.ts,
      author: authorKey(message),
      message,
    });
    list.push(...noticeEntries(message.id));
  }
  const self = props.self ? canonicalName(props.self) : "";
  for (const entry of props.outbox ?? []) {
    list.push({
      kind: "pending",
      key: `out-${entry.nonce}`,
      ts: entry.createdAt,
      author: self,
      entry,
    });
  }
  return list;
}

/** Lays messages, notices and unsent messages out in rows: day lines, groups by sender, folded notices, the unread line. */
export function buildRows(props: RowsInput): Row[] {
  const self = props.self ? canonicalName(props.self) : null;
  const zone = { timeZone: props.timeZone };
  const rows: Row[] = [];
  let day = "";
  let previous: Entry | null = null;
  let unreadShown = false;
  for (const entry of entries(props)) {
    let broken = false;
    const entryDay = dayKey(entry.ts, zone);
    if (entryDay !== day) {
      day = entryDay;
      rows.push({
        kind: "day",
        key: `day-${day}`,
        label: formatDay(entry.ts, { ...zone, now: props.now }),
      });
      broken = true;
    }
    if (
      !unreadShown && entry.kind === "message" &&
      entry.key === props.unreadFrom
    ) {
      unreadShown = true;
      rows.push({ kind: "unread", key: "unread" });
      broken = true;
    }
    if (entry.kind === "notice") {
      const last = rows.at(-1);
      if (!broken && last?.kind === "notices") last.notices.push(entry.notice);
      else {
        rows.push({ kind: "notices", key: entry.key, notices: [entry.notice] });
      }
      previous = entry;
      continue;
    }
    const continues = !broken && previous !== null &&
      previous.kind !== "notice" && previous.author === entry.author &&
      entry.ts - previous.ts < GROUP_GAP_MS;
    const last = rows.at(-1);
    if (continues && (last?.kind === "message" || last?.kind === "pending")) {
      last.last = false;
    }
    rows.push({
      kind: entry.kind,
      key: entry.key,
      own: entry.kind === "pending" || entry.author === self,
      first: !continues,
      last: true,
      message: entry.kind === "message" ? entry.message : undefined,
      entry: entry.kind === "pending" ? entry.entry : undefined,
    });
    previous = entry;
  }
  return rows;
}
