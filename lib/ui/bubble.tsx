/** The row every message is drawn in (stored or still sending), its time, and the long press that shows its actions on phones. */
import type { ComponentChildren } from "preact";
import { KindBadge } from "./kind_badge.tsx";
import { colorSlot, initial } from "./avatar.ts";
import { formatFull } from "./format.ts";
import { formatClock } from "./timeline_format.ts";
import { RichText } from "./rich_text.tsx";
import type { MessageActions } from "./message_parts.tsx";

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

/** A message's clock time, with the full date as its title. */
export function Time(props: { ts: number; timeZone?: string }) {
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

/** Props of {@linkcode Bubble}. */
export interface BubbleProps {
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

/** One message's row: avatar and sender for the first of a group, the text with its meta, and what hangs below. */
export function Bubble(props: BubbleProps) {
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
