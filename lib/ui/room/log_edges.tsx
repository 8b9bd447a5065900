/** The two ends of the message log: the history edge at the top and the jump-to-newest button at the bottom. */
import type { RoomModel } from "./room_model.ts";

/** Scrolls the log to the newest message and moves the focus to the composer. */
export function scrollToEnd(model: RoomModel): void {
  const el = document.querySelector<HTMLElement>(".log");
  if (!el) return;
  model.stick.current = true;
  model.atBottom.value = true;
  model.unseen.value = 0;
  el.scrollTop = 0;
  model.markRead();
  const input = document.getElementById("chat-input");
  (input && !(input as HTMLTextAreaElement).disabled ? input : el).focus();
}

/** "This is the start of #room", loading, or the button that loads older messages. */
export function HistoryEdge(props: { model: RoomModel; empty: boolean }) {
  const { model } = props;
  const older = model.field("older").value;
  if (props.empty) return <div class="history-edge" />;
  let content = null;
  if (older === "done") {
    content = (
      <p class="history-start">This is the start of #{model.props.room}.</p>
    );
  } else if (!model.mounted.value) {
    content = null;
  } else if (older === "loading") {
    content = <p class="history-loading">Loading older messages…</p>;
  } else {
    content = (
      <button
        type="button"
        class="btn btn-small btn-quiet"
        onClick={() => model.client?.loadOlder()}
      >
        {older === "error"
          ? "Older messages could not be loaded. Try again"
          : "Load older messages"}
      </button>
    );
  }
  return <div class="history-edge">{content}</div>;
}

/** "↓ 3 new messages" while the reader is scrolled up. */
export function JumpButton(props: { model: RoomModel }) {
  const { model } = props;
  if (!model.mounted.value || model.atBottom.value) return null;
  const unseen = model.unseen.value;
  return (
    <button
      type="button"
      class="btn jump"
      onClick={() => scrollToEnd(model)}
    >
      <span aria-hidden="true">↓</span>
      {unseen === 0
        ? "Jump to newest"
        : unseen === 1
        ? "1 new message"
        : `${unseen} new messages`}
    </button>
  );
}
