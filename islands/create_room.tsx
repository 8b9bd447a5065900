import { useEffect, useState } from "preact/hooks";
import { parseRoom } from "../lib/protocol/names.ts";
import { MAX_TOPIC_LENGTH } from "../lib/protocol/limits.ts";
import { roomPath } from "../lib/client/urls.ts";
import { roomApi } from "../lib/ui/room/room_rights.ts";

/**
 * Creates a room owned by the signed-in reader: a name, public or private,
 * a topic. Signed out, it says so and links to the sign-in page.
 */
export default function CreateRoom() {
  const [name, setName] = useState("");
  const [visibility, setVisibility] = useState<"public" | "private">(
    "public",
  );
  const [topic, setTopic] = useState("");
  const [error, setError] = useState("");
  const [signIn, setSignIn] = useState(false);
  const [busy, setBusy] = useState(false);
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  const submit = async (event: Event) => {
    event.preventDefault();
    const parsed = parseRoom(name.trim());
    if (!parsed.ok) {
      setError(parsed.reason);
      return;
    }
    setBusy(true);
    setError("");
    try {
      const { status, body } = await roomApi("/api/rooms", {
        method: "POST",
        body: { room: parsed.canonical, visibility, topic },
      });
      if (status === 201) {
        location.assign(roomPath(parsed.canonical));
        return;
      }
      if (status === 401) {
        setSignIn(true);
        setError("Sign in to create a room of your own.");
      } else if (status === 409) {
        setError("That room already exists. Pick another name.");
      } else setError(body?.reason ?? body?.error ?? `Error ${status}.`);
    } catch {
      setError("The server could not be reached.");
    } finally {
      setBusy(false);
    }
  };
  return (
    <form
      class="create-room room-form"
      onSubmit={submit}
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
          onInput={(e) => setName((e.target as HTMLInputElement).value)}
        />
      </label>
      <fieldset class="choice-list inline">
        <legend class="field-label">Who can see it</legend>
        <label class="choice">
          <input
            type="radio"
            name="visibility"
            checked={visibility === "public"}
            onChange={() => setVisibility("public")}
          />
          <span>Public</span>
        </label>
        <label class="choice">
          <input
            type="radio"
            name="visibility"
            checked={visibility === "private"}
            onChange={() => setVisibility("private")}
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
          onInput={(e) => setTopic((e.target as HTMLInputElement).value)}
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
