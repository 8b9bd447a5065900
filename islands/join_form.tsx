import { useEffect, useState } from "preact/hooks";
import { parseRoom } from "../lib/protocol/names.ts";
import { MAX_ROOM_LENGTH } from "../lib/protocol/limits.ts";
import { roomPath } from "../lib/client/urls.ts";

/** Props of the join form: what the server got back from a form sent without JavaScript. */
export interface JoinFormProps {
  value?: string;
  error?: string | null;
}

/** Room name form: checks the name as it is typed and opens the room; a plain GET form without JavaScript. */
export default function JoinForm(props: JoinFormProps) {
  const [value, setValue] = useState(props.value ?? "");
  const [error, setError] = useState<string | null>(props.error ?? null);
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  const parsed = parseRoom(value.trim());
  const hint = parsed.ok
    ? `Opens the room #${parsed.canonical}`
    : `Letters, digits, '_' and '-'; up to ${MAX_ROOM_LENGTH} characters.`;
  return (
    <form
      class="join-form"
      method="get"
      action="/"
      noValidate
      data-hydrated={hydrated ? "true" : undefined}
      onSubmit={(event) => {
        event.preventDefault();
        const result = parseRoom(value.trim());
        if (!result.ok) {
          setError(result.reason);
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
          value={value}
          aria-invalid={error ? "true" : undefined}
          aria-describedby="room-name-error room-name-hint"
          onInput={(event) => {
            const next = event.currentTarget.value;
            const result = parseRoom(next.trim());
            setValue(next);
            setError(result.ok || next === "" ? null : result.reason);
          }}
        />
        <button type="submit" class="btn btn-primary">Join room</button>
      </div>
      <p id="room-name-error" class="field-error" role="alert">
        {error ?? ""}
      </p>
      <p id="room-name-hint" class="field-hint">{error ? "" : hint}</p>
    </form>
  );
}
