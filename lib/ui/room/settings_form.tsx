/** The owner's room settings form: topic, visibility, guests, slow mode. */
import { useState } from "preact/hooks";
import { MAX_TOPIC_LENGTH } from "../../protocol/limits.ts";
import { roomApi, type RoomRights } from "./room_rights.ts";

/** Slow-mode choices, in seconds. */
const SLOW_MODES = [0, 5, 10, 30, 60, 300, 900, 3600];

function slowLabel(seconds: number): string {
  if (seconds === 0) return "Off";
  if (seconds < 60) return `One message every ${seconds} s`;
  return `One message every ${seconds / 60} min`;
}

/** The owner's form: topic, visibility, guests, slow mode; saved with one PATCH. */
export function SettingsForm(props: {
  room: string;
  rights: RoomRights;
  onSaved(rights: RoomRights): void;
}) {
  const { rights } = props;
  const [topic, setTopic] = useState(rights.topic);
  const [visibility, setVisibility] = useState(rights.visibility);
  const [guests, setGuests] = useState(rights.guests);
  const [slow, setSlow] = useState(rights.slowModeS);
  const [status, setStatus] = useState("");
  const [busy, setBusy] = useState(false);
  const save = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setStatus("Saving…");
    try {
      const { status, body } = await roomApi(`/api/rooms/${props.room}`, {
        method: "PATCH",
        body: { topic, visibility, guests, slowModeS: slow },
      });
      if (status !== 200) {
        setStatus(`Not saved: ${body?.error ?? `error ${status}`}`);
        return;
      }
      props.onSaved({ ...rights, ...body });
      setStatus("Saved.");
    } catch {
      setStatus("Not saved: the server could not be reached.");
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="room-form" onSubmit={save}>
      <label class="field">
        <span class="field-label">Topic</span>
        <input
          class="input"
          maxLength={MAX_TOPIC_LENGTH}
          value={topic}
          onInput={(e) => setTopic((e.target as HTMLInputElement).value)}
        />
      </label>
      <fieldset class="choice-list">
        <legend class="field-label">Who can see the room</legend>
        <label class="choice">
          <input
            type="radio"
            name="visibility"
            checked={visibility === "public"}
            onChange={() => setVisibility("public")}
          />
          <span>
            <strong>Public</strong>{" "}
            <span class="muted">anyone with the name</span>
          </span>
        </label>
        <label class="choice">
          <input
            type="radio"
            name="visibility"
            checked={visibility === "private"}
            onChange={() => setVisibility("private")}
          />
          <span>
            <strong>Private</strong>{" "}
            <span class="muted">members and invited people only</span>
          </span>
        </label>
      </fieldset>
      <label class="choice">
        <input
          type="checkbox"
          checked={guests}
          onChange={(e) => setGuests((e.target as HTMLInputElement).checked)}
        />
        <span>
          <strong>Guests may join</strong>{" "}
          <span class="muted">people without an account</span>
        </span>
      </label>
      <label class="field">
        <span class="field-label">Slow mode</span>
        <select
          class="input"
          value={String(slow)}
          onChange={(e) =>
            setSlow(Number((e.target as HTMLSelectElement).value))}
        >
          {[...new Set([...SLOW_MODES, rights.slowModeS])].sort((a, b) => a - b)
            .map((s) => (
              <option key={s} value={String(s)}>{slowLabel(s)}</option>
            ))}
        </select>
      </label>
      <div class="dialog-actions">
        <p class="form-status" role="status">{status}</p>
        <button type="submit" class="btn btn-primary" disabled={busy}>
          Save settings
        </button>
      </div>
    </form>
  );
}
