import { useSignal } from "@preact/signals";
import { useEffect, useRef } from "preact/hooks";
import { MAX_MESSAGE_LENGTH } from "../../client/chat_client.ts";

/** The message box: Enter sends, Shift+Enter adds a line; `blocked` says why sending waits. */
export function Composer(
  props: {
    room: string;
    username: string;
    /** Why sending is impossible right now, or null when it is possible. */
    blocked: string | null;
    onSend: (text: string) => string | null;
    onTyping: () => void;
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
                {" · "}Enter sends, Shift+Enter adds a line
              </span>
              {length > MAX_MESSAGE_LENGTH - 200 &&
                ` · ${length}/${MAX_MESSAGE_LENGTH}`}
            </span>
          )}
      </p>
    </form>
  );
}
