import { useState } from "preact/hooks";
import { DEFAULT_AUDIT_PAGE } from "../../protocol/limits.ts";
import { roomApi } from "./room_rights.ts";

interface Entry {
  action: string;
  by: string;
  target: string;
  ts: number;
  reason?: string;
}

const WORDS: Record<string, string> = {
  create: "created the room",
  kick: "removed",
  ban: "banned",
  unban: "unbanned",
  mute: "muted",
  unmute: "unmuted",
  remove: "took membership from",
  invite: "made an invite link for",
  join_by_invite: "joined by invite",
  moderator_add: "made moderator",
  moderator_remove: "took moderator from",
};

/** The room's audit log, newest first, loaded on demand. */
export function AuditList(props: { room: string }) {
  const [entries, setEntries] = useState<Entry[] | null>(null);
  const [status, setStatus] = useState("");
  const load = async () => {
    setStatus("Loading…");
    const { status, body } = await roomApi(
      `/api/rooms/${props.room}/audit?limit=${DEFAULT_AUDIT_PAGE}`,
    );
    if (status !== 200) {
      setStatus(`Could not load the log (error ${status}).`);
      return;
    }
    setEntries(body.entries);
    setStatus(`${body.entries.length} entries.`);
  };
  return (
    <div class="room-form">
      <button type="button" class="btn" onClick={load}>
        {entries ? "Reload the audit log" : "Show the audit log"}
      </button>
      <p class="form-status" role="status">{status}</p>
      {entries && entries.length > 0 && (
        <ol class="audit-list">
          {entries.map((e, i) => (
            <li key={`${e.ts}-${i}`}>
              <time dateTime={new Date(e.ts).toISOString()}>
                {new Date(e.ts).toLocaleString()}
              </time>{" "}
              <bdi>{e.by}</bdi> {WORDS[e.action] ?? e.action}
              {e.action !== "create" && e.action !== "join_by_invite" && (
                <>
                  {" "}
                  <bdi>{e.target}</bdi>
                </>
              )}
              {e.reason && <span class="muted">: {e.reason}</span>}
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
