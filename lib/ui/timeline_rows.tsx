import type { ComponentChildren } from "preact";
import { KindBadge } from "./kind_badge.tsx";
import { memo } from "./memo.ts";
import type { MessageEvent } from "../protocol/events.ts";
import type { Notice, OutgoingMessage } from "../client/chat_state.ts";
import { colorSlot, initial } from "./avatar.ts";
import { formatFull } from "./format.ts";
import { formatClock } from "./timeline_format.ts";
import { mentionsSelf, RichText } from "./rich_text.tsx";
import {
  ActionBar,
  EditBox,
  EditedMark,
  type MessageActions,
  ReactionBar,
  ReplyLine,
} from "./message_parts.tsx";

/** How long a touch must rest on a message to show its actions. */
export const LONG_PRESS_MS = 500;

/** Shows a message's actions after a long press (phones: no hover). */
function longPress(actions: MessageActions | undefined) {
  if (!actions) return {};
  let timer: ReturnType<typeof setTimeout> | undefined;
  const cancel = () => clearTimeout(timer);
  return {
    onPointerDown(event: PointerEvent) {
      if (event.pointerType !== "touch") return;
      const row = event.currentTarget as HTMLElement;
      cancel();
      timer = setTimeout(() => {
        for (const open of document.querySelectorAll(".msg-pressed")) {
          if (open !== row) open.classList.remove("msg-pressed");
        }
        row.classList.add("msg-pressed");
      }, LONG_PRESS_MS);
    },
    onPointerUp: cancel,
    onPointerCancel: cancel,
    onPointerMove: cancel,
  };
}

/** More join/leave notices in a row than this are folded into one line. */
export const NOTICE_FOLD_AT = 3;

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
  if (notice.text !== undefined) return notice.text;
  return `${notice.username} ${notice.kind === "joined" ? "joined" : "left"}`;
}

function foldedSummary(notices: readonly Notice[]): string {
  const joined = new Set<string>();
  const left = new Set<string>();
  let moderation = 0;
  for (const n of notices) {
    if (n.kind === "moderation") moderation++;
    else (n.kind === "joined" ? joined : left).add(n.username);
  }
  const people = (count: number) =>
    count === 1 ? "1 person" : `${count} people`;
  const parts = [];
  if (joined.size > 0) parts.push(`${people(joined.size)} joined`);
  if (left.size > 0) parts.push(`${people(left.size)} left`);
  if (moderation > 0) {
    parts.push(`${moderation} moderation action${moderation === 1 ? "" : "s"}`);
  }
  return parts.join(", ");
}

function Notices(props: { notices: readonly Notice[]; timeZone?: string }) {
  const { notices } = props;
  const lastTs = notices.at(-1)!.ts;
  if (notices.length < NOTICE_FOLD_AT) {
    return (
      <li class="notice">
        {notices.map((notice, i) => (
          <span key={notice.key} class={`notice-item notice-${notice.kind}`}>
            {i > 0 && <span aria-hidden="true">·</span>}
            {notice.text !== undefined ? notice.text : (
              <>
                <bdi>{notice.username}</bdi>{" "}
                {notice.kind === "joined" ? "joined" : "left"}
              </>
            )}
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

function sameNotices(
  a: { notices: readonly Notice[]; timeZone?: string },
  b: { notices: readonly Notice[]; timeZone?: string },
): boolean {
  return a.timeZone === b.timeZone && a.notices.length === b.notices.length &&
    a.notices.every((notice, i) => notice === b.notices[i]);
}

/** A run of join/leave notices, folded when long; renders again only when the run changes. */
export const NoticesRow = memo(Notices, sameNotices);

interface BubbleProps {
  rowKey: string;
  id?: string;
  own: boolean;
  /** First of its group: shows the sender. */
  first: boolean;
  /** Last of its group. */
  last: boolean;
  username: string;
  text: string;
  self: string | null;
  meta: ComponentChildren;
  children?: ComponentChildren;
  mention?: boolean;
  extraClass?: string;
  /** The sender's kind: accounts and token users get a badge. */
  kind?: string;
  /** Above the text: the quote of the message this one answers. */
  quote?: ComponentChildren;
  /** Replaces the text: the edit box. */
  editor?: ComponentChildren;
  actions?: MessageActions;
}

function Bubble(props: BubbleProps) {
  const { username } = props;
  const showName = props.first && !props.own;
  const classes = ["msg"];
  if (props.own) classes.push("msg-own");
  if (props.first) classes.push("msg-first");
  if (props.last) classes.push("msg-last");
  if (props.mention) classes.push("msg-mention");
  if (props.extraClass) classes.push(props.extraClass);
  return (
    <li
      class={classes.join(" ")}
      data-key={props.rowKey}
      data-id={props.id}
      id={props.id === undefined ? undefined : `m-${props.id}`}
      {...longPress(props.actions)}
    >
      {showName && (
        <span class={`avatar avatar-${colorSlot(username)}`} aria-hidden="true">
          {initial(username)}
        </span>
      )}
      <div class="bubble">
        {showName
          ? (
            <span class="msg-author-line">
              <bdi class="msg-author">{username}</bdi>
              <KindBadge kind={props.kind} />
            </span>
          )
          : (
            <span class="msg-author visually-hidden">
              {props.own ? "You" : username}
            </span>
          )}
        {props.quote}
        {props.editor ?? (
          <p class="msg-body">
            <span class="msg-text" dir="auto">
              <RichText text={props.text} self={props.self} />
            </span>
            <span class="msg-meta">{props.meta}</span>
          </p>
        )}
        {props.children}
      </div>
    </li>
  );
}

/** Props of {@linkcode MessageRow}: all values, so an unchanged row is skipped. */
export interface MessageRowProps {
  message: MessageEvent;
  own: boolean;
  first: boolean;
  last: boolean;
  self: string | null;
  timeZone?: string;
  /** For moderators: the menu on others' messages. */
  moderation?: {
    can(username: string): boolean;
    open(username: string): void;
  };
  /** The live page's actions (stable); absent on the server render. */
  actions?: MessageActions;
  /** True while this message is being edited in place. */
  editing?: boolean;
}

function StoredMessage(props: MessageRowProps) {
  const { message, moderation, actions } = props;
  const moderate = moderation && !props.own && !message.deleted &&
    moderation.can(message.username);
  const live = !message.deleted;
  const editing = live && props.editing && actions;
  return (
    <Bubble
      rowKey={message.id}
      id={message.id}
      own={props.own}
      first={props.first}
      last={props.last}
      username={message.username}
      kind={message.kind}
      text={live ? message.text ?? "" : "This message was deleted."}
      self={props.self}
      mention={!props.own && live &&
        mentionsSelf(message.text ?? "", props.self)}
      extraClass={live ? undefined : "msg-deleted"}
      actions={live ? actions : undefined}
      quote={message.reply && (
        <ReplyLine reply={message.reply} actions={actions} />
      )}
      editor={editing
        ? <EditBox message={message} actions={actions} />
        : undefined}
      meta={
        <>
          {message.editedAt !== undefined && live && (
            <EditedMark editedAt={message.editedAt} timeZone={props.timeZone} />
          )}
          <Time ts={message.ts} timeZone={props.timeZone} />
          {moderate && (
            <button
              type="button"
              class="msg-moderate"
              aria-label={`Moderate ${message.username}`}
              aria-haspopup="dialog"
              onClick={() => moderation.open(message.username)}
            >
              <span aria-hidden="true">⋯</span>
            </button>
          )}
        </>
      }
    >
      {message.reactions && (
        <ReactionBar
          id={message.id}
          reactions={message.reactions}
          self={props.self}
          actions={actions}
        />
      )}
      {actions && live && !editing && (
        <ActionBar
          message={message}
          own={props.own}
          self={props.self}
          actions={actions}
        />
      )}
    </Bubble>
  );
}

/** A stored message; memoised, so it renders again only when its own props change. */
export const MessageRow = memo(StoredMessage);

/** Props of {@linkcode PendingRow}. */
export interface PendingRowProps {
  entry: OutgoingMessage;
  first: boolean;
  last: boolean;
  /** Our name. */
  self: string;
  onResend?: (nonce: string) => void;
  onDiscard?: (nonce: string) => void;
}

function Pending(props: PendingRowProps) {
  const { entry } = props;
  const failed = entry.status === "failed";
  return (
    <Bubble
      rowKey={`out-${entry.nonce}`}
      own
      first={props.first}
      last={props.last}
      username={props.self}
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

/** One of our messages the server has not stored yet: sending, or failed with Retry and Discard. */
export const PendingRow = memo(Pending);
