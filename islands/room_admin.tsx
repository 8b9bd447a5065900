import { useRef, useState } from "preact/hooks";
import { AuditList } from "../lib/ui/room/audit_list.tsx";
import { InviteLinks } from "../lib/ui/room/invite_links.tsx";
import type { RoomRights } from "../lib/ui/room/room_rights.ts";
import { ModeratorsForm } from "../lib/ui/room/moderators_form.tsx";
import { SettingsForm } from "../lib/ui/room/settings_form.tsx";

/** Props of the room's settings island. */
export interface RoomAdminProps {
  room: string;
  rights: RoomRights;
}

/**
 * The room's settings for its owner (topic, visibility, guests, slow mode,
 * moderators), and for moderators and admins the invite links and the audit
 * log: one button that opens a modal dialog.
 */
export default function RoomAdmin(props: RoomAdminProps) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [rights, setRights] = useState(props.rights);
  const owner = rights.standing === "owner";
  return (
    <>
      <button
        type="button"
        class="btn btn-small room-admin-open"
        aria-haspopup="dialog"
        onClick={() => dialog.current?.showModal()}
      >
        <span class="room-admin-icon" aria-hidden="true">⚙</span>
        <span class="room-admin-label">
          {owner ? "Room settings" : "Moderation"}
        </span>
      </button>
      <dialog
        ref={dialog}
        class="room-dialog settings-dialog"
        aria-labelledby="settings-title"
      >
        <div class="dialog-head">
          <h2 id="settings-title">
            {owner ? "Room settings" : "Moderation"} · #{props.room}
          </h2>
          <button
            type="button"
            class="btn btn-small btn-quiet"
            aria-label="Close"
            onClick={() => dialog.current?.close()}
          >
            <span aria-hidden="true">×</span>
          </button>
        </div>
        {owner && (
          <section aria-labelledby="settings-general">
            <h3 id="settings-general">General</h3>
            <SettingsForm
              room={props.room}
              rights={rights}
              onSaved={setRights}
            />
          </section>
        )}
        {owner && (
          <section aria-labelledby="settings-moderators">
            <h3 id="settings-moderators">Moderators</h3>
            <ModeratorsForm
              room={props.room}
              rights={rights}
              onChanged={(moderators) => setRights({ ...rights, moderators })}
            />
          </section>
        )}
        <section aria-labelledby="settings-invites">
          <h3 id="settings-invites">Invite links</h3>
          <InviteLinks room={props.room} />
        </section>
        <section aria-labelledby="settings-audit">
          <h3 id="settings-audit">Audit log</h3>
          <AuditList room={props.room} />
        </section>
      </dialog>
    </>
  );
}
