import type { ChatState, ConnectionStatus } from "../../client/chat_state.ts";
import { typingText } from "../timeline_format.ts";
import type { RoomModel } from "./room_model.ts";
import { NotifyButton, SearchBox } from "./search_box.tsx";

function statusText(status: ConnectionStatus, needsName: boolean): string {
  switch (status) {
    case "idle":
      return needsName ? "Pick a name to join" : "Not connected";
    case "connecting":
      return "Connecting…";
    case "online":
      return "Connected";
    case "reconnecting":
      return "Reconnecting…";
    case "closed":
      return "Disconnected";
  }
}

/** The people we know are in the room: the live list, or the last one while reconnecting. */
export function knownMembers(
  state: Pick<ChatState, "joined" | "username" | "members">,
): readonly string[] | null {
  if (state.joined) return state.members;
  return state.username !== null && state.members.length > 0
    ? state.members
    : null;
}

function Status(props: { model: RoomModel }) {
  const { model } = props;
  const status = model.field("status").value;
  if (!model.mounted.value) {
    return (
      <p class="status status-static">
        <span class="status-dot" aria-hidden="true"></span>
        <span role="status">
          <span class="js-pending">Loading live chat…</span>
          <span class="js-off">JavaScript is off: not live</span>
        </span>
      </p>
    );
  }
  const needsName = model.field("needsName").value;
  return (
    <p class={`status status-${status}`}>
      <span class="status-dot" aria-hidden="true"></span>
      <span role="status">
        {statusText(status, needsName)}
      </span>
    </p>
  );
}

function Typing(props: { model: RoomModel }) {
  return <p class="typing">{typingText(props.model.field("typing").value)}</p>;
}

function PeopleToggle(props: { model: RoomModel }) {
  const { model } = props;
  const members = model.field("members").value;
  const joined = model.field("joined").value;
  const username = model.field("username").value;
  const known = knownMembers({ members, joined, username });
  const count = known?.length ?? 0;
  return (
    <button
      id="members-toggle"
      type="button"
      class="btn btn-small members-toggle"
      aria-expanded={model.membersOpen.value ? "true" : "false"}
      aria-controls="members-panel"
      onClick={() => model.membersOpen.value = !model.membersOpen.peek()}
    >
      <svg
        class="icon"
        viewBox="0 0 24 24"
        width="18"
        height="18"
        aria-hidden="true"
      >
        <path d="M9 11a4 4 0 1 0 0-8 4 4 0 0 0 0 8Zm7 0a3 3 0 1 0 0-6 3 3 0 0 0 0 6ZM2 20c0-3.3 3.1-6 7-6s7 2.7 7 6v1H2v-1Zm15.5 1v-1c0-2-1-3.8-2.5-5 .5-.1 1-.2 1.5-.2 3 0 5.5 2.1 5.5 4.8V21h-4.5Z" />
      </svg>
      People<span class="badge">{count > 0 ? count : ""}</span>
    </button>
  );
}

/** Connection status, who is typing, and the People button (phones). */
export function ChatBar(props: { model: RoomModel }) {
  return (
    <div class="chat-bar">
      <Status model={props.model} />
      <Typing model={props.model} />
      {props.model.mounted.value && <SearchBox model={props.model} />}
      {props.model.mounted.value && <NotifyButton />}
      <PeopleToggle model={props.model} />
    </div>
  );
}
