import { useLayoutEffect, useRef, useState } from "preact/hooks";
import { ModerationDialog } from "./moderation_dialog.tsx";
import { mayModerateName, moderates } from "./room_rights.ts";
import { Timeline } from "../timeline.tsx";
import { ConnectionBanner } from "./connection_banner.tsx";
import type { RoomModel } from "./room_model.ts";

/** Closer to the newest message than this (px), new messages keep the log at its end. */
const STICK_PX = 48;
/** Further from the newest message than this (px), the jump button shows. */
const JUMP_PX = 160;
/** Closer to the oldest loaded message than this (px), older history is fetched. */
const OLDER_PX = 400;

interface Anchor {
  key: string;
  offset: number;
}

function fromBottom(el: HTMLElement): number {
  return Math.max(0, -el.scrollTop);
}

function fromTop(el: HTMLElement): number {
  return el.scrollHeight - el.clientHeight - fromBottom(el);
}

function captureAnchor(el: HTMLElement): Anchor | null {
  const items = el.querySelectorAll<HTMLElement>("[data-key]");
  const top = el.getBoundingClientRect().top;
  let low = 0;
  let high = items.length - 1;
  let found: HTMLElement | null = null;
  while (low <= high) {
    const mid = (low + high) >> 1;
    if (items[mid].getBoundingClientRect().bottom > top) {
      found = items[mid];
      high = mid - 1;
    } else {
      low = mid + 1;
    }
  }
  if (!found) return null;
  return {
    key: found.dataset.key!,
    offset: found.getBoundingClientRect().top - top,
  };
}

function restore(el: HTMLElement, anchor: Anchor | null): void {
  if (!anchor) return;
  const item = el.querySelector(`[data-key="${CSS.escape(anchor.key)}"]`);
  if (!item) return;
  const delta = item.getBoundingClientRect().top -
    el.getBoundingClientRect().top - anchor.offset;
  if (Math.abs(delta) >= 1) el.scrollTop += delta;
}

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

function HistoryEdge(props: { model: RoomModel; empty: boolean }) {
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

function JumpButton(props: { model: RoomModel }) {
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

/** The scrolling message log: newest at the bottom, older history on the way up, its place kept. */
export function LogPane(props: { model: RoomModel }) {
  const { model } = props;
  const log = useRef<HTMLDivElement>(null);
  const anchor = useRef<Anchor | null>(null);
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
  const older = model.field("older").peek();
  useLayoutEffect(() => {
    const el = log.current;
    if (!el) return;
    if (model.stick.current) el.scrollTop = 0;
    else restore(el, anchor.current);
    anchor.current = captureAnchor(el);
    if (
      model.mounted.peek() && older === "idle" &&
      fromTop(el) < OLDER_PX && el.scrollHeight <= el.clientHeight
    ) {
      void model.client?.loadOlder();
    }
  });
  return (
    <div class="log-wrap">
      <ConnectionBanner model={model} />
      <div
        ref={log}
        class="log"
        role="region"
        aria-label={`Messages in #${model.props.room}`}
        tabIndex={0}
        onScroll={(event) => {
          const el = event.currentTarget;
          const distance = fromBottom(el);
          model.stick.current = distance < STICK_PX;
          model.atBottom.value = distance < JUMP_PX;
          if (model.stick.current) {
            model.unseen.value = 0;
            model.markRead();
          }
          anchor.current = captureAnchor(el);
          if (fromTop(el) < OLDER_PX) void model.client?.loadOlder();
        }}
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
