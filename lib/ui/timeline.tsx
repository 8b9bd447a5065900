import type { ComponentChildren } from "preact";
import type { MessageEvent } from "../chat/events.ts";
import { canonicalName } from "../chat/names.ts";
import type { Notice, OutgoingMessage } from "../client/chat_client.ts";
import { formatFull } from "./format.ts";
import { dayKey, formatClock, formatDay } from "./timeline_format.ts";
import { mentionsSelf, RichText } from "./rich_text.tsx";

/** Messages of one sender closer together than this share one group. */
export const GROUP_GAP_MS = 5 * 60_000;
/** More join/leave notices in a row than this are folded into one line. */
export const NOTICE_FOLD_AT = 3;

/** Props of {@linkcode Timeline}. */
export interface TimelineProps {
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
  onResend?: (nonce: string) => void;
  onDiscard?: (nonce: string) => void;
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

function entries(props: TimelineProps): Entry[] {
  const notices = props.notices ?? [];
  const ids = new Set(props.messages.map((m) => m.id));
  const lastId = props.messages.at(-1)?.id ?? null;
  const byAfter = new Map<string | null, Notice[]>();
  for (const notice of notices) {
    const key = notice.afterId === null || ids.has(notice.afterId)
      ? notice.afterId
      : lastId;
    byAfter.set(key, [...(byAfter.get(key) ?? []), notice]);
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
      author: canonicalName(message.username),
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
export function buildRows(props: TimelineProps): Row[] {
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

/** A stable colour slot (0–7) for a name's avatar. */
export function colorSlot(name: string): number {
  let hash = 0;
  for (const char of canonicalName(name)) {
    hash = (hash * 31 + char.codePointAt(0)!) >>> 0;
  }
  return hash % 8;
}

/** The first letter of a name, upper-cased, for its avatar. */
export function initial(name: string): string {
  return ([...name.trim()][0] ?? "?").toUpperCase();
}

function Time(props: { ts: number; timeZone?: string }) {
  return (
    <time
      class="msg-time"
      dateTime={new Date(props.ts).toISOString()}
      title={formatFull(props.ts, { timeZone: props.timeZone })}
    >
      {formatClock(props.ts, { timeZone: props.timeZone })}
    </time>
  );
}

function noticeText(notice: Notice): string {
  return `${notice.username} ${notice.kind === "joined" ? "joined" : "left"}`;
}

function foldedSummary(notices: readonly Notice[]): string {
  const joined = new Set<string>();
  const left = new Set<string>();
  for (const n of notices) {
    (n.kind === "joined" ? joined : left).add(n.username);
  }
  const people = (count: number) =>
    count === 1 ? "1 person" : `${count} people`;
  const parts = [];
  if (joined.size > 0) parts.push(`${people(joined.size)} joined`);
  if (left.size > 0) parts.push(`${people(left.size)} left`);
  return parts.join(", ");
}

function NoticesRow(props: { notices: readonly Notice[]; timeZone?: string }) {
  const { notices } = props;
  const lastTs = notices.at(-1)!.ts;
  if (notices.length < NOTICE_FOLD_AT) {
    return (
      <li class="notice">
        {notices.map((notice, i) => (
          <span key={notice.key} class={`notice-item notice-${notice.kind}`}>
            {i > 0 && <span aria-hidden="true">·</span>}
            <bdi>{notice.username}</bdi>{" "}
            {notice.kind === "joined" ? "joined" : "left"}
          </span>
        ))}
        <Time ts={lastTs} timeZone={props.timeZone} />
      </li>
    );
  }
  return (
    <li class="notice notice-folded">
      <details>
        <summary>
          {foldedSummary(notices)}
          <Time ts={lastTs} timeZone={props.timeZone} />
        </summary>
        <ul class="notice-list">
          {notices.map((notice) => (
            <li key={notice.key}>{noticeText(notice)}</li>
          ))}
        </ul>
      </details>
    </li>
  );
}

function Bubble(
  props: {
    row: Extract<Row, { kind: "message" | "pending" }>;
    username: string;
    text: string;
    self?: string | null;
    meta: ComponentChildren;
    children?: ComponentChildren;
    mention?: boolean;
    extraClass?: string;
  },
) {
  const { row, username } = props;
  const showName = row.first && !row.own;
  const classes = ["msg"];
  if (row.own) classes.push("msg-own");
  if (row.first) classes.push("msg-first");
  if (row.last) classes.push("msg-last");
  if (props.mention) classes.push("msg-mention");
  if (props.extraClass) classes.push(props.extraClass);
  return (
    <li
      class={classes.join(" ")}
      data-key={row.key}
      data-id={row.message?.id}
    >
      {showName && (
        <span class={`avatar avatar-${colorSlot(username)}`} aria-hidden="true">
          {initial(username)}
        </span>
      )}
      <div class="bubble">
        {showName
          ? <bdi class="msg-author">{username}</bdi>
          : (
            <span class="msg-author visually-hidden">
              {row.own ? "You" : username}
            </span>
          )}
        <p class="msg-body">
          <span class="msg-text">
            <RichText text={props.text} self={props.self} />
          </span>
          <span class="msg-meta">{props.meta}</span>
        </p>
        {props.children}
      </div>
    </li>
  );
}

/** The room's messages, join/leave notices and our unsent messages, oldest first. */
export function Timeline(props: TimelineProps) {
  const rows = buildRows(props);
  const empty = props.messages.length === 0 && rows.length === 0;
  return (
    <ol class="timeline">
      {empty && <li class="empty">No messages yet. Say hello!</li>}
      {rows.map((row) => {
        switch (row.kind) {
          case "day":
            return (
              <li key={row.key} class="day-sep">
                <h2 class="day-label">{row.label}</h2>
              </li>
            );
          case "unread":
            return (
              <li key={row.key} class="unread-sep" id="unread-line">
                <span>New messages</span>
              </li>
            );
          case "notices":
            return (
              <NoticesRow
                key={row.key}
                notices={row.notices}
                timeZone={props.timeZone}
              />
            );
          case "message": {
            const message = row.message!;
            return (
              <Bubble
                key={row.key}
                row={row}
                username={message.username}
                text={message.text}
                self={props.self}
                mention={!row.own &&
                  mentionsSelf(message.text, props.self ?? null)}
                meta={<Time ts={message.ts} timeZone={props.timeZone} />}
              />
            );
          }
          case "pending": {
            const entry = row.entry!;
            const failed = entry.status === "failed";
            return (
              <Bubble
                key={row.key}
                row={row}
                username={props.self ?? ""}
                text={entry.text}
                self={props.self}
                extraClass={`msg-pending msg-${entry.status}`}
                meta={
                  <span class="msg-time">
                    {failed ? "Not sent" : "Sending…"}
                  </span>
                }
              >
                {failed && (
                  <div class="msg-failure" role="alert">
                    <span>{entry.error}</span>
                    {entry.retryable && props.onResend && (
                      <button
                        type="button"
                        class="btn btn-small"
                        onClick={() => props.onResend?.(entry.nonce)}
                      >
                        Retry
                      </button>
                    )}
                    {props.onDiscard && (
                      <button
                        type="button"
                        class="btn btn-small btn-quiet"
                        onClick={() => props.onDiscard?.(entry.nonce)}
                      >
                        Discard
                      </button>
                    )}
                  </div>
                )}
              </Bubble>
            );
          }
        }
      })}
    </ol>
  );
}
