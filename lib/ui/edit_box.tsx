/** Editing a message in place. */
import type { MessageEvent } from "../protocol/events.ts";
import type { MessageActions } from "./message_parts.tsx";

/** The text of a message being edited in place: Enter saves, Escape cancels. */
export function EditBox(
  props: { message: MessageEvent; actions: MessageActions },
) {
  const { message, actions } = props;
  const save = (box: HTMLTextAreaElement) => {
    const problem = actions.saveEdit(message.id, box.value);
    box.setCustomValidity(problem ?? "");
    if (problem) box.reportValidity();
  };
  return (
    <form
      class="edit-box"
      onSubmit={(event) => {
        event.preventDefault();
        save(
          event.currentTarget.elements.namedItem("text") as HTMLTextAreaElement,
        );
      }}
    >
      <label class="visually-hidden" for={`edit-${message.id}`}>
        Edit your message
      </label>
      <textarea
        id={`edit-${message.id}`}
        name="text"
        class="input edit-input"
        rows={2}
        defaultValue={message.text}
        ref={(el) => {
          if (el && document.activeElement !== el) el.focus();
        }}
        onKeyDown={(event) => {
          if (event.key === "Escape") {
            event.preventDefault();
            actions.cancelEdit();
          } else if (
            event.key === "Enter" && !event.shiftKey && !event.isComposing
          ) {
            event.preventDefault();
            save(event.currentTarget);
          }
        }}
      />
      <div class="edit-buttons">
        <button type="submit" class="btn btn-small btn-primary">Save</button>
        <button
          type="button"
          class="btn btn-small btn-quiet"
          onClick={() => actions.cancelEdit()}
        >
          Cancel
        </button>
        <span class="hint-keys">Enter saves, Escape cancels</span>
      </div>
    </form>
  );
}
