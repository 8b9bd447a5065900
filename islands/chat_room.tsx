import { useEffect, useState } from "preact/hooks";
import { ChatBar } from "../lib/ui/room/chat_bar.tsx";
import { AlertLine, ChatFooter } from "../lib/ui/room/chat_footer.tsx";
import { LogPane } from "../lib/ui/room/log_pane.tsx";
import { closeMembers, MembersPanel } from "../lib/ui/room/members_panel.tsx";
import {
  type ChatRoomProps,
  createRoomModel,
  type RoomModel,
} from "../lib/ui/room/room_model.ts";
import { startRoom } from "../lib/ui/room/start_room.ts";

export type { ChatRoomProps };

function Announcer(props: { model: RoomModel }) {
  return (
    <div class="visually-hidden" aria-live="polite" aria-atomic="true">
      {props.model.announcement.value}
    </div>
  );
}

function Frame(props: { model: RoomModel }) {
  const { model } = props;
  return (
    <div
      class="chat"
      onKeyDown={(event) => {
        if (event.key === "Escape" && model.membersOpen.peek()) {
          closeMembers(model);
        }
      }}
    >
      <ChatBar model={model} />
      <div class="chat-main">
        <div class="chat-column">
          <LogPane model={model} />
          <Announcer model={model} />
          <AlertLine model={model} />
          <ChatFooter model={model} />
        </div>
        <MembersPanel model={model} />
      </div>
    </div>
  );
}

/**
 * The live room: name prompt, messages, presence, typing, composer. Each part
 * reads only the signals it shows, so typing and presence events do not
 * re-render the messages.
 */
export default function ChatRoom(props: ChatRoomProps) {
  const [model] = useState(() => createRoomModel(props));
  useEffect(() => startRoom(model), []);
  return <Frame model={model} />;
}
