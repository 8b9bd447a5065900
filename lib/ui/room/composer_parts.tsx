/** The lines around the message box: whom the next message answers, and the hint below (who sends, why not, the length). */
import type { MessageEvent } from "../../protocol/events.ts";
import { MAX_TEXT_LENGTH } from "../../protocol/limits.ts";

/** Characters left before the limit from which the count shows. */
export const LENGTH_SHOWN_WITHIN = 200;

/** "Replying to bob: …" with a button that cancels the reply. */
export function ReplyingLine(
  props: { replyTo: MessageEvent; onCancel: () => void },
) {
  return (
    <p class="replying" id="replying">
      <span>
        Replying to <bdi>{props.replyTo.username}</bdi>:{" "}
        <span class="replying-text" dir="auto">
          {props.replyTo.text}
        </span>
      </span>
      <button
        type="button"
        class="btn btn-small btn-quiet"
        aria-label="Cancel the reply"
        onClick={props.onCancel}
      >
        ✕
      </button>
    </p>
  );
}

/** Why sending waits, the last refusal, or who sends with the keys (and the length near the limit). */
export function ComposerHint(
  props: {
    blocked: string | null;
    error: string | null;
    username: string;
    draft: string;
  },
) {
  const length = [...props.draft.trim()].length;
  return (
    <p id="composer-hint" class="composer-hint">
      {props.blocked
        ? <span class="composer-blocked">{props.blocked}</span>
        : props.error
        ? <span class="field-error" role="alert">{props.error}</span>
        : (
          <span>
            Sending as <bdi class="self-name">{props.username}</bdi>
            <span class="hint-keys">
              {" · "}Enter sends, Shift+Enter adds a line, ↑ edits your last
            </span>
            {length > MAX_TEXT_LENGTH - LENGTH_SHOWN_WITHIN &&
              ` · ${length}/${MAX_TEXT_LENGTH}`}
          </span>
        )}
    </p>
  );
}
