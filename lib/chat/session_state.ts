/**
 * The protocol's state machine for one connection, without a socket: what an
 * inbound WebSocket message does in a given state, and how a join that fails
 * or a socket that closes leaves the state.
 */
import { MAX_FRAME_BYTES } from "../protocol/limits.ts";
import type {
  ErrorCode,
  JoinFrame,
  ModerationFrame,
  SendFrame,
} from "../protocol/events.ts";
import { isTooLarge, parseFrame } from "./frames.ts";
import type { ChangeFrame } from "./message_changes.ts";

/** Where a connection is: before its join, during it, in the room, or gone. */
export type SessionState = "new" | "joining" | "joined" | "closed";

/** What the session does with one inbound message. */
export type Step =
  | { do: "ignore" }
  | { do: "error"; code: ErrorCode; message: string; nonce?: string }
  | { do: "too_large"; message: string }
  | { do: "join"; frame: JoinFrame }
  | { do: "change"; frame: ChangeFrame }
  | { do: "moderate"; frame: ModerationFrame }
  | { do: "message"; frame: SendFrame }
  | { do: "typing" };

/** The size of a binary WebSocket message (0 for anything else). */
function binarySize(data: unknown): number {
  if (data instanceof ArrayBuffer) return data.byteLength;
  if (data instanceof Blob) return data.size;
  return 0;
}

/** Decides what one inbound message does in `state`; `draining` at shutdown. */
export function step(
  state: SessionState,
  input: { data: unknown; draining?: boolean },
): Step {
  const { data } = input;
  if (state === "closed" || input.draining) return { do: "ignore" };
  const tooLarge = {
    do: "too_large",
    message: `Frames are limited to ${MAX_FRAME_BYTES} bytes.`,
  } as const;
  if (typeof data !== "string") {
    if (binarySize(data) > MAX_FRAME_BYTES) return tooLarge;
    return {
      do: "error",
      code: "bad_frame",
      message: "Frames must be JSON text.",
    };
  }
  if (isTooLarge(data)) return tooLarge;
  const parsed = parseFrame(data);
  if (!parsed.ok) {
    const { code, message, nonce } = parsed.error;
    if (code === "invalid_message" && state !== "joined") {
      return { do: "error", ...notJoined(nonce) };
    }
    return { do: "error", code, message, nonce };
  }
  const frame = parsed.frame;
  if (frame.type === "join") {
    if (state === "new") return { do: "join", frame };
    return {
      do: "error",
      code: "bad_frame",
      message: state === "joined" ? "Already joined." : "A join is under way.",
    };
  }
  if (state !== "joined") {
    return {
      do: "error",
      ...notJoined(frame.type === "message" ? frame.nonce : undefined),
    };
  }
  switch (frame.type) {
    case "edit":
    case "delete":
    case "react":
      return { do: "change", frame };
    case "message":
      return { do: "message", frame };
    case "typing":
      return { do: "typing" };
    default:
      return { do: "moderate", frame };
  }
}

function notJoined(nonce: string | undefined) {
  return {
    code: "not_joined" as const,
    message: "Join the room first.",
    nonce,
  };
}

/** The state after a join step failed: back to `new`, unless the socket closed meanwhile. */
export function rollback(state: SessionState): SessionState {
  return state === "closed" ? "closed" : "new";
}

/**
 * Why a connection ended, for the log: the server's own reason when it
 * closed the socket, else an idle timeout (a missed pong) or the client.
 */
export function closeReason(
  own: string | undefined,
  event?: { wasClean: boolean; reason: string },
): string {
  const idle = event !== undefined && !event.wasClean &&
    /ping/i.test(event.reason);
  return own ?? (idle ? "idle timeout: no pong" : "client");
}

/** The metric label of a close reason: its words before any colon, joined by `_`. */
export function closeLabel(reason: string): string {
  return reason.split(":")[0].replaceAll(" ", "_");
}
