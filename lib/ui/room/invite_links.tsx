import { useRef, useState } from "preact/hooks";
import { roomApi } from "./room_rights.ts";

const USES = [1, 5, 10, 25, 100];
const LIFETIMES = [
  { seconds: 3600, label: "1 hour" },
  { seconds: 86_400, label: "1 day" },
  { seconds: 7 * 86_400, label: "7 days" },
  { seconds: 30 * 86_400, label: "30 days" },
];

/** Makes an invite link (uses, lifetime) and copies it. */
export function InviteLinks(props: { room: string }) {
  const [uses, setUses] = useState(10);
  const [lifetime, setLifetime] = useState(86_400);
  const [link, setLink] = useState("");
  const [status, setStatus] = useState("");
  const field = useRef<HTMLInputElement>(null);
  const create = async (event: Event) => {
    event.preventDefault();
    const { status, body } = await roomApi(
      `/api/rooms/${props.room}/invites`,
      { method: "POST", body: { maxUses: uses, expiresInS: lifetime } },
    );
    if (status !== 201) {
      setStatus(`No link: ${body?.error ?? `error ${status}`}`);
      return;
    }
    setLink(new URL(body.url, location.href).href);
    setStatus("Link ready. Copy it and send it to the people you invite.");
  };
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(link);
      setStatus("Copied to the clipboard.");
    } catch {
      field.current?.select();
      setStatus("Selected: press Ctrl+C (⌘C) to copy.");
    }
  };
  return (
    <div class="room-form">
      <form class="field-row wrap" onSubmit={create}>
        <label class="field">
          <span class="field-label">Uses</span>
          <select
            class="input"
            value={String(uses)}
            onChange={(e) =>
              setUses(Number((e.target as HTMLSelectElement).value))}
          >
            {USES.map((u) => (
              <option key={u} value={String(u)}>
                {u === 1 ? "1 person" : `${u} people`}
              </option>
            ))}
          </select>
        </label>
        <label class="field">
          <span class="field-label">Expires after</span>
          <select
            class="input"
            value={String(lifetime)}
            onChange={(e) =>
              setLifetime(Number((e.target as HTMLSelectElement).value))}
          >
            {LIFETIMES.map((l) => (
              <option key={l.seconds} value={String(l.seconds)}>
                {l.label}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" class="btn">Create link</button>
      </form>
      {link && (
        <div class="field-row">
          <label class="field grow">
            <span class="field-label">Invite link</span>
            <input ref={field} class="input mono" readOnly value={link} />
          </label>
          <button type="button" class="btn btn-primary" onClick={copy}>
            Copy
          </button>
        </div>
      )}
      <p class="form-status" role="status">{status}</p>
    </div>
  );
}
