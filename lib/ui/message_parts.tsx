/** The parts of a stored message beyond its text: what the page can do with it, reply quote, "(edited)", reactions. */

import type {
  MessageEvent,
  Reactions,
  ReplyQuote,
} from "../protocol/events.ts";
import { canonicalName } from "../protocol/names.ts";
import { formatFull } from "./format.ts";

/** What the live page can do with a message; absent on the server render. */
export interface MessageActions {
  reply(message: MessageEvent): void;
  react(id: string, options: { emoji: string; on: boolean }): void;
  startEdit(id: string): void;
  saveEdit(id: string, text: string): string | null;
  cancelEdit(): void;
  remove(id: string): void;
  /** Scrolls to a message (loading older history when needed) and highlights it. */
  jump(id: string): void;
}

/** The quoted start of the message a reply answers; a link that jumps to it. */
export function ReplyLine(
  props: { reply: ReplyQuote; actions?: MessageActions },
) {
  const { reply, actions } = props;
  const label = reply.deleted ? "a deleted message" : reply.text ?? "";
  return (
    <a
      class="msg-reply"
      href={`#m-${reply.id}`}
      onClick={actions
        ? (event) => {
          event.preventDefault();
          actions.jump(reply.id);
        }
        : undefined}
    >
      <span class="visually-hidden">In reply to</span>
      <bdi class="msg-reply-author">{reply.username}</bdi>
      <span class="msg-reply-text" dir="auto">{label}</span>
    </a>
  );
}

/** "(edited)", with the time of the edit as its tooltip. */
export function EditedMark(props: { editedAt: number; timeZone?: string }) {
  const when = formatFull(props.editedAt, { timeZone: props.timeZone });
  return (
    <span class="msg-edited" title={`Edited ${when}`}>
      (edited<span class="visually-hidden">{` ${when}`}</span>)
    </span>
  );
}

/** One button per emoji with its count; the names are its tooltip and label. */
export function ReactionBar(
  props: {
    id: string;
    reactions: Reactions;
    self: string | null;
    actions?: MessageActions;
  },
) {
  const me = props.self ? canonicalName(props.self) : null;
  return (
    <ul class="reactions" aria-label="Reactions">
      {Object.entries(props.reactions).map(([emoji, names]) => {
        const mine = me !== null &&
          names.some((name) => canonicalName(name) === me);
        const who = names.join(", ");
        return (
          <li key={emoji}>
            <button
              type="button"
              class={`reaction${mine ? " reaction-mine" : ""}`}
              title={who}
              aria-label={`${emoji} ${names.length}: ${who}`}
              aria-pressed={mine ? "true" : "false"}
              disabled={!props.actions}
              onClick={() =>
                props.actions?.react(props.id, { emoji, on: !mine })}
            >
              <span aria-hidden="true">{emoji} {names.length}</span>
            </button>
          </li>
        );
      })}
    </ul>
  );
}
