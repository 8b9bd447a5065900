/** One of our messages in the timeline that the server has not stored yet. */
import type { OutgoingMessage } from "../client/chat_state.ts";
import { memo } from "./memo.ts";
import { Bubble } from "./bubble.tsx";

/** Props of {@linkcode PendingRow}. */
export interface PendingRowProps {
  entry: OutgoingMessage;
  first: boolean;
  last: boolean;
  /** Our name. */
  self: string;
  onResend?: (nonce: string) => void;
  onDiscard?: (nonce: string) => void;
}

function Pending(props: PendingRowProps) {
  const { entry } = props;
  const failed = entry.status === "failed";
  return (
    <Bubble
      rowKey={`out-${entry.nonce}`}
      own
      first={props.first}
      last={props.last}
      username={props.self}
      text={entry.text}
      self={props.self}
      extraClass={`msg-pending msg-${entry.status}`}
      meta={
        <span class="msg-time">
          {failed ? "Not sent" : "Sending…"}
        </span>
      }
    >
      {failed && (
        <div class="msg-failure" role="alert">
          <span>{entry.error}</span>
          {entry.retryable && props.onResend && (
            <button
              type="button"
              class="btn btn-small"
              onClick={() => props.onResend?.(entry.nonce)}
            >
              Retry
            </button>
          )}
          {props.onDiscard && (
            <button
              type="button"
              class="btn btn-small btn-quiet"
              onClick={() => props.onDiscard?.(entry.nonce)}
            >
              Discard
            </button>
          )}
        </div>
      )}
    </Bubble>
  );
}

/** One of our messages the server has not stored yet: sending, or failed with Retry and Discard. */
export const PendingRow = memo(Pending);
