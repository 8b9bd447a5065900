/** The parts of a stored message beyond its text: reply quote, "(edited)", reactions, actions, edit box. */

import type {
  MessageEvent,
  Reactions,
  ReplyQuote,
} from "../protocol/events.ts";
import { canonicalName } from "../protocol/names.ts";
import { formatFull } from "./format.ts";

/** Emoji offered by the React button. */
export const QUICK_REACTIONS = ["👍", "❤️", "😂", "🎉", "😮", "😢"];

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

/** Reply, react, edit and delete: shown on hover, on focus and after a long press. */
export function ActionBar(
  props: {
    message: MessageEvent;
    own: boolean;
    self: string | null;
    actions: MessageActions;
  },
) {
  const { message, actions } = props;
  const me = props.self ? canonicalName(props.self) : null;
  const mine = (emoji: string) =>
    me !== null &&
    (message.reactions?.[emoji] ?? []).some((n) => canonicalName(n) === me);
  return (
    <div class="msg-actions" role="toolbar" aria-label="Message actions">
      <button
        type="button"
        class="msg-action"
        onClick={() => actions.reply(message)}
      >
        Reply
      </button>
      <details class="msg-react">
        <summary class="msg-action">React</summary>
        <div class="react-picker">
          {QUICK_REACTIONS.map((emoji) => (
            <button
              key={emoji}
              type="button"
              class="msg-action"
              aria-label={`React ${emoji}`}
              aria-pressed={mine(emoji) ? "true" : "false"}
              onClick={(event) => {
                actions.react(message.id, { emoji, on: !mine(emoji) });
                event.currentTarget.closest("details")?.removeAttribute("open");
              }}
            >
              {emoji}
            </button>
          ))}
        </div>
      </details>
      {props.own && (
        <>
          <button
            type="button"
            class="msg-action"
            onClick={() => actions.startEdit(message.id)}
          >
            Edit
          </button>
          <button
            type="button"
            class="msg-action msg-action-danger"
            onClick={() => actions.remove(message.id)}
          >
            Delete
          </button>
        </>
      )}
    </div>
  );
}

/** The text of a message being edited in place: Enter saves, Escape cancels. */
export function EditBox(
  props: { message: MessageEvent; actions: MessageActions },
) {
  const { message, actions } = props;
  const save = (box: HTMLTextAreaElement) => {
    const problem = actions.saveEdit(message.id, box.value);
    box.setCustomValidity(problem ?? "");
    if (problem) box.reportValidity();
  };
  return (
    <form
      class="edit-box"
      onSubmit={(event) => {
        event.preventDefault();
        save(
          event.currentTarget.elements.namedItem("text") as HTMLTextAreaElement,
        );
      }}
    >
      <label class="visually-hidden" for={`edit-${message.id}`}>
        Edit your message
      </label>
      <textarea
        id={`edit-${message.id}`}
        name="text"
        class="input edit-input"
        rows={2}
        defaultValue={message.text}
        ref={(el) => {
          if (el && document.activeElement !== el) el.focus();
        }}
        onKeyDown={(event) => {
          if (event.key === "Escape") {
            event.preventDefault();
            actions.cancelEdit();
          } else if (
            event.key === "Enter" && !event.shiftKey && !event.isComposing
          ) {
            event.preventDefault();
            save(event.currentTarget);
          }
        }}
      />
      <div class="edit-buttons">
        <button type="submit" class="btn btn-small btn-primary">Save</button>
        <button
          type="button"
          class="btn btn-small btn-quiet"
          onClick={() => actions.cancelEdit()}
        >
          Cancel
        </button>
        <span class="hint-keys">Enter saves, Escape cancels</span>
      </div>
    </form>
  );
}
