/** Wire types of the chat protocol (docs/protocol.md). */

/** A stored chat message, exactly as it travels on the wire and in history. */
export interface MessageEvent {
  type: "message";
  id: string;
  room: string;
  username: string;
  text: string;
  ts: number;
  nonce?: string;
}

/** Answer to a successful `join`. */
export interface WelcomeEvent {
  type: "welcome";
  room: string;
  username: string;
  members: string[];
  history: MessageEvent[];
  truncated?: true;
}

/** Someone entered the room. */
export interface JoinedEvent {
  type: "joined";
  username: string;
  ts: number;
  members: string[];
}

/** Someone's last connection to the room closed. */
export interface LeftEvent {
  type: "left";
  username: string;
  ts: number;
  members: string[];
}

/** Joins and leaves of a short window, for connections that asked for coalesced presence. */
export interface PresenceEvent {
  type: "presence";
  joined: string[];
  left: string[];
  members: string[];
  ts: number;
}

/** Someone is typing. */
export interface TypingEvent {
  type: "typing";
  username: string;
}

/** Every error code of the protocol. */
export type ErrorCode =
  | "bad_frame"
  | "not_joined"
  | "invalid_username"
  | "name_taken"
  | "invalid_message"
  | "rate_limited"
  | "too_large"
  | "server_error"
  | "forbidden"
  | "kicked"
  | "room_limit";

/** A moderation action, told to the whole room. */
export interface NoticeEvent {
  type: "notice";
  action: "kick" | "ban" | "unban" | "mute" | "unmute";
  username: string;
  by: string;
  ts: number;
  /** When a ban or mute ends (epoch ms); absent when it has no end. */
  until?: number;
  reason?: string;
}

/**
 * Between servers only, never to clients: something changed that may shut
 * people out of the room, so each server looks again at its sockets there.
 */
export interface ControlEvent {
  type: "control";
  action: "kick" | "ban" | "unban" | "mute" | "unmute" | "remove" | "settings";
  /** Canonical name of the person it is about, if one. */
  username?: string;
  /** Keys (identity, address) of the person it is about. */
  keys?: string[];
}

/** An error answer; `message` is for people. */
export interface ErrorEvent {
  type: "error";
  code: ErrorCode;
  message: string;
  /** The `nonce` of the `message` frame this error answers, when it had one. */
  nonce?: string;
}

/** Several events for one socket packed into one frame. */
export interface BatchEvent {
  type: "batch";
  events: ServerEvent[];
}

/** Any event the server sends. */
export type ServerEvent =
  | MessageEvent
  | WelcomeEvent
  | JoinedEvent
  | LeftEvent
  | PresenceEvent
  | TypingEvent
  | NoticeEvent
  | ErrorEvent
  | BatchEvent;

/** A validated `join` frame. */
export interface JoinFrame {
  type: "join";
  username: string;
  clientId?: string;
  since?: string;
  batch?: boolean;
  /** `"coalesced"`: joins and leaves come as `presence` events, at most a few a second. */
  presence?: "coalesced" | "each";
}

/** A validated `message` frame. */
export interface SendFrame {
  type: "message";
  text: string;
  nonce?: string;
}

/** A validated `typing` frame. */
export interface TypingFrame {
  type: "typing";
}

/** A validated moderation frame (`kick`, `ban`, `unban`, `mute`, `unmute`). */
export interface ModerationFrame {
  type: "kick" | "ban" | "unban" | "mute" | "unmute";
  username: string;
  /** For `ban` (optional) and `mute` (required): seconds until it ends. */
  durationS?: number;
  reason?: string;
}

/** Any frame a client may send. */
export type ClientFrame =
  | JoinFrame
  | SendFrame
  | TypingFrame
  | ModerationFrame;

/** A room as listed by `GET /api/rooms` and on the home page. */
export interface RoomSummary {
  room: string;
  online: number;
  lastMessageAt: number | null;
}
