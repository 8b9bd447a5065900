import { useMemo } from "preact/hooks";
import { MessageRow } from "./message_row.tsx";
import { NoticesRow } from "./notices_row.tsx";
import { PendingRow } from "./pending_row.tsx";
import type { MessageActions } from "./message_parts.tsx";
import { buildRows, type RowsInput } from "./timeline_layout.ts";

/** Props of {@linkcode Timeline}. */
export interface TimelineProps extends RowsInput {
  onResend?: (nonce: string) => void;
  onDiscard?: (nonce: string) => void;
  /** Reply, react, edit, delete, jump: the live page's (one stable object). */
  actions?: MessageActions;
  /** Id of the message being edited in place. */
  editing?: string | null;
  /** For moderators: who may be moderated, and how to open the menu (a stable object). */
  moderation?: Moderation;
}

/** Opens the moderation menu for a message's author. */
export interface Moderation {
  can(username: string): boolean;
  open(username: string): void;
}

/**
 * The room's messages, join/leave notices and our unsent messages, oldest
 * first. Rows are memoised: a new message or notice renders only itself and
 * the rows whose grouping it changed.
 */
export function Timeline(props: TimelineProps) {
  const rows = useMemo(() => buildRows(props), [
    props.messages,
    props.notices,
    props.outbox,
    props.self,
    props.timeZone,
    props.now,
    props.unreadFrom,
  ]);
  const empty = props.messages.length === 0 && rows.length === 0;
  return (
    <ol class="timeline">
      {empty && <li class="empty">No messages yet. Say hello!</li>}
      {rows.map((row) => {
        switch (row.kind) {
          case "day":
            return (
              <li key={row.key} class="day-sep">
                <h2 class="day-label">{row.label}</h2>
              </li>
            );
          case "unread":
            return (
              <li key={row.key} class="unread-sep" id="unread-line">
                <span>New messages</span>
              </li>
            );
          case "notices":
            return (
              <NoticesRow
                key={row.key}
                notices={row.notices}
                timeZone={props.timeZone}
              />
            );
          case "message":
            return (
              <MessageRow
                key={row.key}
                message={row.message!}
                own={row.own}
                first={row.first}
                last={row.last}
                self={props.self ?? null}
                timeZone={props.timeZone}
                actions={props.actions}
                editing={props.editing === row.message!.id}
                moderation={props.moderation}
              />
            );
          case "pending":
            return (
              <PendingRow
                key={row.key}
                entry={row.entry!}
                first={row.first}
                last={row.last}
                self={props.self ?? ""}
                onResend={props.onResend}
                onDiscard={props.onDiscard}
              />
            );
        }
      })}
    </ol>
  );
}
