/** A stored message in the timeline: its reply quote, edit box, reactions, actions and moderation button. */
import type { MessageEvent } from "../protocol/events.ts";
import { memo } from "./memo.ts";
import { mentionsSelf } from "./text_segments.ts";
import { Bubble, Time } from "./bubble.tsx";
import { ActionBar } from "./action_bar.tsx";
import { EditBox } from "./edit_box.tsx";
import {
  EditedMark,
  type MessageActions,
  ReactionBar,
  ReplyLine,
} from "./message_parts.tsx";

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
