/** The owner's list of a room's moderators: add an account by name, remove one. */
import { useState } from "preact/hooks";
import { MAX_USERNAME_LENGTH } from "../../protocol/limits.ts";
import { roomApi, type RoomRights } from "./room_rights.ts";

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
