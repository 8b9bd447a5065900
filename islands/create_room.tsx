import { useEffect, useState } from "preact/hooks";
import { MAX_TOPIC_LENGTH } from "../lib/protocol/limits.ts";
import { useCreateRoom } from "../lib/ui/home/use_create_room.ts";

/**
 * Creates a room owned by the signed-in reader: a name, public or private,
 * a topic. Signed out, it says so and links to the sign-in page.
 */
export default function CreateRoom() {
  const form = useCreateRoom();
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  const { name, visibility, topic, error, signIn, busy } = form;
  return (
    <form
      class="create-room room-form"
      onSubmit={form.submit}
      noValidate
      data-hydrated={hydrated ? "true" : undefined}
    >
      <label class="field">
        <span class="field-label">Room name</span>
        <input
          class="input"
          name="room"
          autocomplete="off"
          autocapitalize="off"
          spellcheck={false}
          value={name}
          aria-invalid={error && !signIn ? "true" : undefined}
          aria-describedby="create-room-error"
          onInput={(e) => form.setName((e.target as HTMLInputElement).value)}
        />
      </label>
      <fieldset class="choice-list inline">
        <legend class="field-label">Who can see it</legend>
        <label class="choice">
          <input
            type="radio"
            name="visibility"
            checked={visibility === "public"}
            onChange={() => form.setVisibility("public")}
          />
          <span>Public</span>
        </label>
        <label class="choice">
          <input
            type="radio"
            name="visibility"
            checked={visibility === "private"}
            onChange={() => form.setVisibility("private")}
          />
          <span>Private (invite only)</span>
        </label>
      </fieldset>
      <label class="field">
        <span class="field-label">Topic (optional)</span>
        <input
          class="input"
          maxLength={MAX_TOPIC_LENGTH}
          value={topic}
          onInput={(e) => form.setTopic((e.target as HTMLInputElement).value)}
        />
      </label>
      <p id="create-room-error" class="field-error" role="alert">
        {error}
        {signIn && (
          <>
            {" "}
            <a href="/signin?next=%2F">Sign in</a>
          </>
        )}
      </p>
      <button type="submit" class="btn btn-primary" disabled={busy}>
        Create room
      </button>
    </form>
  );
}
