import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { parseRoom } from "../lib/chat/names.ts";
import { roomPath } from "../lib/client/urls.ts";

/** Props of the join form: what the server got back from a form sent without JavaScript. */
export interface JoinFormProps {
  value?: string;
  error?: string | null;
}

/** Room name form: checks the name as it is typed and opens the room; a plain GET form without JavaScript. */
export default function JoinForm(props: JoinFormProps) {
  const value = useSignal(props.value ?? "");
  const error = useSignal<string | null>(props.error ?? null);
  const hydrated = useSignal(false);
  useEffect(() => {
    hydrated.value = true;
  }, []);
  const parsed = parseRoom(value.value.trim());
  const hint = parsed.ok
    ? `Opens the room #${parsed.canonical}`
    : "Letters, digits, '_' and '-'; up to 64 characters.";
  return (
    <form
      class="join-form"
      method="get"
      action="/"
      noValidate
      data-hydrated={hydrated.value ? "true" : undefined}
      onSubmit={(event) => {
        event.preventDefault();
        const result = parseRoom(value.value.trim());
        if (!result.ok) {
          error.value = result.reason;
          event.currentTarget.querySelector("input")?.focus();
          return;
        }
        location.assign(roomPath(result.canonical));
      }}
    >
      <label for="room-name" class="field-label">Room name</label>
      <div class="field-row">
        <input
          id="room-name"
          name="room"
          class="input"
          autocomplete="off"
          autocapitalize="off"
          spellcheck={false}
          placeholder="lobby"
          required
          value={value.value}
          aria-invalid={error.value ? "true" : undefined}
          aria-describedby="room-name-error room-name-hint"
          onInput={(event) => {
            value.value = event.currentTarget.value;
            const next = parseRoom(value.value.trim());
            error.value = next.ok || value.value === "" ? null : next.reason;
          }}
        />
        <button type="submit" class="btn btn-primary">Join room</button>
      </div>
      <p id="room-name-error" class="field-error" role="alert">
        {error.value ?? ""}
      </p>
      <p id="room-name-hint" class="field-hint">{error.value ? "" : hint}</p>
    </form>
  );
}
