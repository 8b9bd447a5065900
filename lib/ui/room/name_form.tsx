import { useSignal } from "@preact/signals";
import { useEffect, useRef } from "preact/hooks";
import { parseUsername } from "../../protocol/names.ts";
import { MAX_USERNAME_LENGTH } from "../../protocol/limits.ts";

/** Asks for the name to join with; `error` is the server's reason a name was refused. */
export function NameForm(
  props: {
    room: string;
    initial: string;
    error: string | null;
    onSubmit: (name: string) => void;
  },
) {
  const draft = useSignal(props.initial);
  const localError = useSignal<string | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const error = localError.value ?? props.error;
  useEffect(() => {
    input.current?.focus();
    if (props.error) input.current?.select();
  }, [props.error]);
  return (
    <form
      class="name-form"
      onSubmit={(event) => {
        event.preventDefault();
        const parsed = parseUsername(draft.value);
        if (!parsed.ok) {
          localError.value = parsed.reason;
          input.current?.focus();
          return;
        }
        localError.value = null;
        props.onSubmit(parsed.name);
      }}
    >
      <label for="chat-name" class="field-label">
        Pick a name to join <span class="room-ref">#{props.room}</span>
      </label>
      <div class="field-row">
        <input
          ref={input}
          id="chat-name"
          name="username"
          class="input"
          autocomplete="nickname"
          autocapitalize="off"
          spellcheck={false}
          placeholder="e.g. alice"
          maxLength={MAX_USERNAME_LENGTH}
          value={draft.value}
          aria-invalid={error ? "true" : undefined}
          aria-describedby="chat-name-error"
          onInput={(event) => {
            draft.value = event.currentTarget.value;
            localError.value = null;
          }}
        />
        <button type="submit" class="btn btn-primary">Join</button>
      </div>
      <p id="chat-name-error" class="field-error" role="alert">
        {error ?? ""}
      </p>
    </form>
  );
}
