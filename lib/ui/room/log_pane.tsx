import { useRef, useState } from "preact/hooks";
import { ModerationDialog } from "./moderation_dialog.tsx";
import { mayModerateName, moderates } from "./room_rights.ts";
import { Timeline } from "../timeline.tsx";
import { ConnectionBanner } from "./connection_banner.tsx";
import type { RoomModel } from "./room_model.ts";
import { HistoryEdge, JumpButton } from "./log_edges.tsx";
import { useLogScroll } from "./use_log_scroll.ts";

/** The scrolling message log: newest at the bottom, older history on the way up, its place kept. */
export function LogPane(props: { model: RoomModel }) {
  const { model } = props;
  const { log, onScroll } = useLogScroll(model);
  const handlers = useRef({
    resend: (nonce: string) => model.client?.resend(nonce),
    discard: (nonce: string) => model.client?.discard(nonce),
  });
  const [target, setTarget] = useState<string | null>(null);
  const moderation = useRef({
    can: (name: string) =>
      mayModerateName(model.props.rights, { name, self: model.self.peek() }),
    open: (name: string) => setTarget(name),
  });
  const messages = model.field("messages").value;
  return (
    <div class="log-wrap">
      <ConnectionBanner model={model} />
      <div
        ref={log}
        class="log"
        role="region"
        aria-label={`Messages in #${model.props.room}`}
        tabIndex={0}
        onScroll={onScroll}
      >
        <div class="log-inner">
          <HistoryEdge model={model} empty={messages.length === 0} />
          <Timeline
            messages={messages}
            notices={model.field("notices").value}
            outbox={model.field("outbox").value}
            self={model.self.value}
            timeZone={model.zone.value}
            now={model.now.value}
            unreadFrom={model.unreadFrom.value}
            onResend={handlers.current.resend}
            onDiscard={handlers.current.discard}
            actions={model.actions}
            editing={model.editing.value}
            moderation={moderates(model.props.rights)
              ? moderation.current
              : undefined}
          />
        </div>
      </div>
      <JumpButton model={model} />
      {target !== null && (
        <ModerationDialog
          username={target}
          onSend={(frame) => model.client?.moderate(frame) ?? false}
          onClose={() => setTarget(null)}
        />
      )}
    </div>
  );
}
