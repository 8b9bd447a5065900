import { useEffect, useRef, useState } from "preact/hooks";
import { KindBadge } from "../kind_badge.tsx";
import { colorSlot, initial } from "../avatar.ts";
import { knownMembers } from "./chat_bar.tsx";
import type { RoomModel } from "./room_model.ts";
import { ModerationDialog } from "./moderation_dialog.tsx";
import { mayModerateName, roleOfName } from "./room_rights.ts";

/** Closes the phone drawer and gives the focus back to its toggle. */
export function closeMembers(model: RoomModel): void {
  model.membersOpen.value = false;
  document.getElementById("members-toggle")?.focus();
}

/** Who is here: a side column on wide screens, a drawer with a backdrop on phones. */
export function MembersPanel(props: { model: RoomModel }) {
  const { model } = props;
  const open = model.membersOpen.value;
  const kinds = new Map(
    model.field("people").value.map((person) => [person.username, person.kind]),
  );
  const joined = model.field("joined").value;
  const username = model.field("username").value;
  const members = knownMembers({
    joined,
    username,
    members: model.field("members").value,
  });
  const close = useRef<HTMLButtonElement>(null);
  const [target, setTarget] = useState<string | null>(null);
  const { rights } = model.props;
  useEffect(() => {
    if (open) close.current?.focus();
  }, [open]);
  return (
    <>
      {open && (
        <div
          class="members-backdrop"
          aria-hidden="true"
          onClick={() => closeMembers(model)}
        />
      )}
      <aside
        id="members-panel"
        class={open ? "members members-open" : "members"}
        aria-labelledby="members-heading"
      >
        <div class="members-head">
          <h2 id="members-heading" class="members-heading">
            Online <span class="count">{members ? members.length : ""}</span>
          </h2>
          <button
            ref={close}
            type="button"
            class="btn btn-small btn-quiet members-close"
            aria-label="Close the list of people"
            onClick={() => closeMembers(model)}
          >
            <span aria-hidden="true">×</span>
          </button>
        </div>
        {members === null
          ? (
            <p class="members-empty">
              <span class="js-pending">Join to see who is here.</span>
              <span class="js-off">Turn on JavaScript to see who is here.</span>
            </p>
          )
          : (
            <>
              {!joined && (
                <p class="members-stale">Last known, while reconnecting.</p>
              )}
              <ul class={joined ? "members-list" : "members-list stale"}>
                {members.map((name) => (
                  <li key={name}>
                    <span
                      class={`avatar avatar-small avatar-${colorSlot(name)}`}
                      aria-hidden="true"
                    >
                      {initial(name)}
                    </span>
                    <bdi class="member-name">{name}</bdi>
                    <KindBadge kind={kinds.get(name)} />
                    {name === username && <span class="you">(you)</span>}
                    {roleOfName(rights, name) && (
                      <span class={`role role-${roleOfName(rights, name)}`}>
                        {roleOfName(rights, name)}
                      </span>
                    )}
                    {mayModerateName(rights, { name, self: username }) && (
                      <button
                        type="button"
                        class="btn btn-small btn-quiet member-menu"
                        aria-label={`Moderate ${name}`}
                        aria-haspopup="dialog"
                        onClick={() => setTarget(name)}
                      >
                        <span aria-hidden="true">⋯</span>
                      </button>
                    )}
                  </li>
                ))}
              </ul>
            </>
          )}
      </aside>
      {target !== null && (
        <ModerationDialog
          username={target}
          onSend={(frame) => model.client?.moderate(frame) ?? false}
          onClose={() => setTarget(null)}
        />
      )}
    </>
  );
}
