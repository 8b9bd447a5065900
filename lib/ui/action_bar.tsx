/** A message's toolbar: reply, react with a quick emoji, and for our own messages edit and delete. */
import type { MessageEvent } from "../protocol/events.ts";
import { canonicalName } from "../protocol/names.ts";
import type { MessageActions } from "./message_parts.tsx";

/** Emoji offered by the React button. */
export const QUICK_REACTIONS = ["👍", "❤️", "😂", "🎉", "😮", "😢"];

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
