import type { MessageEvent } from "../chat/events.ts";
import { canonicalName } from "../chat/names.ts";
import type { Notice, OutgoingMessage } from "../client/chat_client.ts";
import { formatClock, formatFull } from "./format.ts";

/** Props of {@linkcode Timeline}. */
export interface TimelineProps {
  messages: readonly MessageEvent[];
  notices?: readonly Notice[];
  outbox?: readonly OutgoingMessage[];
  /** Our own name, to tell our messages apart. */
  self?: string | null;
  /** Zone of the printed times; UTC on the server. */
  timeZone?: string;
  onResend?: (nonce: string) => void;
  onDiscard?: (nonce: string) => void;
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

function NoticeItem(props: { notice: Notice; timeZone?: string }) {
  const { notice } = props;
  return (
    <li class={`notice notice-${notice.kind}`}>
      <span>
        <bdi>{notice.username}</bdi>{" "}
        {notice.kind === "joined" ? "joined" : "left"}
      </span>
      <Time ts={notice.ts} timeZone={props.timeZone} />
    </li>
  );
}

/** The room's messages, join/leave notices and our unsent messages, oldest first. */
export function Timeline(props: TimelineProps) {
  const self = props.self ? canonicalName(props.self) : null;
  const notices = props.notices ?? [];
  const outbox = props.outbox ?? [];
  const byAfter = new Map<string | null, Notice[]>();
  const ids = new Set(props.messages.map((m) => m.id));
  for (const notice of notices) {
    const key = notice.afterId === null || ids.has(notice.afterId)
      ? notice.afterId
      : props.messages.at(-1)?.id ?? null;
    const list = byAfter.get(key) ?? [];
    list.push(notice);
    byAfter.set(key, list);
  }
  const renderNotices = (key: string | null) =>
    (byAfter.get(key) ?? []).map((notice) => (
      <NoticeItem key={notice.key} notice={notice} timeZone={props.timeZone} />
    ));
  const empty = props.messages.length === 0 && notices.length === 0 &&
    outbox.length === 0;
  return (
    <ol class="timeline">
      {empty && <li class="empty">No messages yet. Say hello!</li>}
      {renderNotices(null)}
      {props.messages.flatMap((message) => [
        <li
          key={message.id}
          class={self !== null && canonicalName(message.username) === self
            ? "msg msg-own"
            : "msg"}
          data-id={message.id}
        >
          <div class="msg-meta">
            <bdi class="msg-author">{message.username}</bdi>
            <Time ts={message.ts} timeZone={props.timeZone} />
          </div>
          <p class="msg-text">{message.text}</p>
        </li>,
        ...renderNotices(message.id),
      ])}
      {outbox.map((entry) => (
        <li
          key={`out-${entry.nonce}`}
          class={`msg msg-own msg-pending msg-${entry.status}`}
        >
          <div class="msg-meta">
            <bdi class="msg-author">{props.self}</bdi>
            <span class="msg-time">
              {entry.status === "failed" ? "Not sent" : "Sending…"}
            </span>
          </div>
          <p class="msg-text">{entry.text}</p>
          {entry.status === "failed" && (
            <div class="msg-failure" role="alert">
              <span>{entry.error}</span>
              {entry.retryable && props.onResend && (
                <button
                  type="button"
                  class="btn btn-small"
                  onClick={() => props.onResend?.(entry.nonce)}
                >
                  Resend
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
        </li>
      ))}
    </ol>
  );
}
