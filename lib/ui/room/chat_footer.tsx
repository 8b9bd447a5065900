import { loadUsername } from "../../client/storage.ts";
import { Composer } from "./composer.tsx";
import { NameForm } from "./name_form.tsx";
import type { RoomModel } from "./room_model.ts";

function blockedReason(model: RoomModel): string | null {
  const status = model.field("status").value;
  if (!model.online.value) {
    return "Offline: your draft is kept until the connection is back.";
  }
  if (status === "online" && model.field("joined").value) return null;
  return status === "reconnecting"
    ? "Reconnecting: you can send once the connection is back."
    : "Connecting…";
}

/** The latest problem worth telling, with a way to dismiss it. */
export function AlertLine(props: { model: RoomModel }) {
  const { model } = props;
  const alert = model.field("alert").value;
  if (!alert) return null;
  return (
    <p class="alert" role="alert">
      <span>{alert}</span>
      <button
        type="button"
        class="btn btn-small btn-quiet"
        onClick={() => model.client?.dismissAlert()}
      >
        Dismiss
      </button>
    </p>
  );
}

/** Below the messages: the name form until we have joined, then the composer. */
export function ChatFooter(props: { model: RoomModel }) {
  const { model } = props;
  const username = model.field("username").value;
  const needsName = model.field("needsName").value;
  let content;
  if (!model.mounted.value) {
    content = (
      <p class="footer-note">
        <span class="js-pending">
          Live chat starts once the page has loaded.
        </span>
        <span class="js-off">Turn on JavaScript to write here.</span>
      </p>
    );
  } else if (needsName || username === null) {
    content = (
      <NameForm
        room={model.props.room}
        initial={username ?? loadUsername() ?? ""}
        error={model.field("nameError").value}
        onSubmit={(name) => model.client?.join(name)}
      />
    );
  } else {
    content = (
      <Composer
        room={model.props.room}
        username={username}
        blocked={blockedReason(model)}
        onSend={(text) => {
          model.unreadFrom.value = null;
          const chat = model.client;
          if (!chat) return "Not connected yet.";
          const replyTo = model.replyTo.peek()?.id;
          const problem = chat.send(text, { replyTo });
          if (problem === null) model.replyTo.value = null;
          return problem;
        }}
        onTyping={() => model.client?.typing()}
        replyTo={model.replyTo.value}
        onCancelReply={() => model.replyTo.value = null}
        onEditLast={() => model.editLast()}
      />
    );
  }
  return <div class="chat-footer">{content}</div>;
}
