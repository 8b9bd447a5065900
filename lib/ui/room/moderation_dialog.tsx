import { useEffect, useRef, useState } from "preact/hooks";
import type { ModerationFrame } from "../../protocol/events.ts";
import { MAX_REASON_LENGTH } from "../../protocol/limits.ts";
import { DURATIONS } from "./room_rights.ts";

type Choice = "kick" | "mute" | "ban" | "unmute" | "unban";

const CHOICES: { value: Choice; label: string; hint: string }[] = [
  { value: "kick", label: "Remove", hint: "They may come back." },
  { value: "mute", label: "Mute", hint: "They may read, not write." },
  { value: "ban", label: "Ban", hint: "They cannot come back." },
  { value: "unmute", label: "Unmute", hint: "Lift a mute." },
  { value: "unban", label: "Unban", hint: "Lift a ban." },
];

/**
 * The moderation menu for one person: a modal dialog (focus kept inside,
 * Escape closes it, focus back to the button that opened it) with the action,
 * a duration for mutes and bans, and a reason.
 */
export function ModerationDialog(props: {
  username: string;
  onSend(frame: ModerationFrame): boolean;
  onClose(): void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [choice, setChoice] = useState<Choice>("kick");
  const [duration, setDuration] = useState(3600);
  const [reason, setReason] = useState("");
  const [problem, setProblem] = useState("");
  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();
  }, []);
  const timed = choice === "mute" || choice === "ban";
  const submit = (event: Event) => {
    event.preventDefault();
    const frame: ModerationFrame = { type: choice, username: props.username };
    if (timed) {
      if (duration > 0) frame.durationS = duration;
      else if (choice === "mute") frame.durationS = 365 * 86_400;
    }
    if ((choice === "kick" || timed) && reason.trim()) {
      frame.reason = reason.trim();
    }
    if (!props.onSend(frame)) {
      setProblem("Not connected; try again in a moment.");
      return;
    }
    dialog.current?.close();
  };
  return (
    <dialog
      ref={dialog}
      class="room-dialog moderation-dialog"
      aria-labelledby="moderation-title"
      onClose={props.onClose}
    >
      <form method="dialog" onSubmit={submit}>
        <h2 id="moderation-title">
          Moderate <bdi>{props.username}</bdi>
        </h2>
        <fieldset class="choice-list">
          <legend class="field-label">Action</legend>
          {CHOICES.map((c) => (
            <label key={c.value} class="choice">
              <input
                type="radio"
                name="action"
                value={c.value}
                checked={choice === c.value}
                onChange={() => setChoice(c.value)}
              />
              <span>
                <strong>{c.label}</strong> <span class="muted">{c.hint}</span>
              </span>
            </label>
          ))}
        </fieldset>
        {timed && (
          <label class="field">
            <span class="field-label">For how long</span>
            <select
              class="input"
              value={String(duration)}
              onChange={(e) =>
                setDuration(Number((e.target as HTMLSelectElement).value))}
            >
              {DURATIONS.map((d) => (
                <option key={d.seconds} value={String(d.seconds)}>
                  {d.label}
                </option>
              ))}
            </select>
          </label>
        )}
        {(choice === "kick" || timed) && (
          <label class="field">
            <span class="field-label">Reason (shown to the room)</span>
            <input
              class="input"
              maxLength={MAX_REASON_LENGTH}
              value={reason}
              onInput={(e) => setReason((e.target as HTMLInputElement).value)}
            />
          </label>
        )}
        <p class="field-error" role="alert">{problem}</p>
        <div class="dialog-actions">
          <button
            type="button"
            class="btn"
            onClick={() => dialog.current?.close()}
          >
            Cancel
          </button>
          <button type="submit" class="btn btn-primary">
            {CHOICES.find((c) => c.value === choice)!.label}
          </button>
        </div>
      </form>
    </dialog>
  );
}
