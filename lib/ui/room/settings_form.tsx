import { useState } from "preact/hooks";
import {
  MAX_TOPIC_LENGTH,
  MAX_USERNAME_LENGTH,
} from "../../protocol/limits.ts";
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

/** The owner's list of moderators: add an account by name, remove one. */
export function ModeratorsForm(props: {
  room: string;
  rights: RoomRights;
  onChanged(moderators: readonly string[]): void;
}) {
  const [name, setName] = useState("");
  const [status, setStatus] = useState("");
  const add = async (event: Event) => {
    event.preventDefault();
    if (!name.trim()) return;
    const { status, body } = await roomApi(
      `/api/rooms/${props.room}/moderators`,
      { method: "POST", body: { username: name.trim() } },
    );
    if (status !== 201) {
      setStatus(
        status === 404
          ? "Not added: there is no account of that name."
          : `Not added: ${body?.error ?? `error ${status}`}`,
      );
      return;
    }
    props.onChanged(body.moderators);
    setStatus(`${name.trim()} is a moderator.`);
    setName("");
  };
  const remove = async (moderator: string) => {
    const { status } = await roomApi(
      `/api/rooms/${props.room}/moderators/${encodeURIComponent(moderator)}`,
      { method: "DELETE" },
    );
    if (status !== 204) {
      setStatus(`Not removed: error ${status}`);
      return;
    }
    props.onChanged(props.rights.moderators.filter((m) => m !== moderator));
    setStatus(`${moderator} is no longer a moderator.`);
  };
  return (
    <div class="room-form">
      {props.rights.moderators.length === 0
        ? <p class="muted">No moderators yet.</p>
        : (
          <ul class="plain-list">
            {props.rights.moderators.map((m) => (
              <li key={m}>
                <bdi>{m}</bdi>
                <button
                  type="button"
                  class="btn btn-small"
                  aria-label={`Remove ${m} as moderator`}
                  onClick={() => remove(m)}
                >
                  Remove
                </button>
              </li>
            ))}
          </ul>
        )}
      <form class="field-row" onSubmit={add}>
        <label class="field grow">
          <span class="field-label">Add a moderator (account name)</span>
          <input
            class="input"
            value={name}
            maxLength={MAX_USERNAME_LENGTH}
            onInput={(e) => setName((e.target as HTMLInputElement).value)}
          />
        </label>
        <button type="submit" class="btn">Add</button>
      </form>
      <p class="form-status" role="status">{status}</p>
    </div>
  );
}
