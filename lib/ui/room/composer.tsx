import { useSignal } from "@preact/signals";
import { useEffect, useRef } from "preact/hooks";
import type { MessageEvent } from "../../protocol/events.ts";
import { MAX_TEXT_LENGTH } from "../../protocol/limits.ts";

/** The message box: Enter sends, Shift+Enter adds a line; `blocked` says why sending waits. */
export function Composer(
  props: {
    room: string;
    username: string;
    /** Why sending is impossible right now, or null when it is possible. */
    blocked: string | null;
    onSend: (text: string) => string | null;
    onTyping: () => void;
    /** The message the next one answers. */
    replyTo?: MessageEvent | null;
    onCancelReply?: () => void;
    /** Up arrow in an empty box: edit our newest message; false when there is none. */
    onEditLast?: () => boolean;
  },
) {
  const draft = useSignal("");
  const error = useSignal<string | null>(null);
  const input = useRef<HTMLTextAreaElement>(null);
  const wasFocused = useRef(true);
  const disabled = props.blocked !== null;
  useEffect(() => {
    if (!disabled && wasFocused.current) input.current?.focus();
  }, [disabled]);
  const submit = () => {
    if (disabled) return;
    const problem = props.onSend(draft.value);
    error.value = problem;
    if (problem === null) draft.value = "";
    input.current?.focus();
  };
  const lines = draft.value.split("\n").length;
  const length = [...draft.value.trim()].length;
  return (
    <form
      class="composer"
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
    >
      {props.replyTo && (
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
            onClick={() => {
              props.onCancelReply?.();
              input.current?.focus();
            }}
          >
            ✕
          </button>
        </p>
      )}
      <div class="field-row">
        <label for="chat-input" class="visually-hidden">
          Message #{props.room}
        </label>
        <textarea
          ref={input}
          id="chat-input"
          name="text"
          class="input composer-input"
          rows={Math.min(6, lines)}
          placeholder={disabled
            ? "Waiting for the connection…"
            : `Message #${props.room}`}
          enterkeyhint="send"
          aria-describedby="composer-hint"
          disabled={disabled}
          value={draft.value}
          onFocus={() => wasFocused.current = true}
          onBlur={() => {
            wasFocused.current = document.activeElement === input.current;
          }}
          onInput={(event) => {
            draft.value = event.currentTarget.value;
            if (error.value) error.value = null;
            if (draft.value.trim() !== "") props.onTyping();
          }}
          onKeyDown={(event) => {
            if (
              event.key === "Enter" && !event.shiftKey && !event.isComposing
            ) {
              event.preventDefault();
              submit();
            } else if (
              event.key === "ArrowUp" && draft.value === "" &&
              props.onEditLast?.()
            ) {
              event.preventDefault();
            } else if (event.key === "Escape" && props.replyTo) {
              event.preventDefault();
              props.onCancelReply?.();
            }
          }}
        />
        <button
          type="submit"
          class="btn btn-primary btn-send"
          disabled={disabled}
        >
          Send
        </button>
      </div>
      <p id="composer-hint" class="composer-hint">
        {props.blocked
          ? <span class="composer-blocked">{props.blocked}</span>
          : error.value
          ? <span class="field-error" role="alert">{error.value}</span>
          : (
            <span>
              Sending as <bdi class="self-name">{props.username}</bdi>
              <span class="hint-keys">
                {" · "}Enter sends, Shift+Enter adds a line, ↑ edits your last
              </span>
              {length > MAX_TEXT_LENGTH - 200 &&
                ` · ${length}/${MAX_TEXT_LENGTH}`}
            </span>
          )}
      </p>
    </form>
  );
}
