/** Wire types of the chat protocol (docs/protocol.md). */

/** One person in a room's `people` list. */
export interface PersonView {
  username: string;
  kind: "guest" | "account" | "token";
  role: "owner" | "moderator" | "member";
}

/** Who reacted with each emoji, in the order they reacted. */
export type Reactions = Record<string, string[]>;

/** The quoted start of the message a reply answers, as that message is now. */
export interface ReplyQuote {
  id: string;
  username: string;
  /** The first 200 characters; absent once the message is deleted. */
  text?: string;
  deleted?: true;
}

/**
 * A stored chat message as it travels on the wire and in history, in its
 * current state: edited text, a tombstone without text once deleted,
 * reactions.
 */
export interface MessageEvent {
  type: "message";
  id: string;
  room: string;
  username: string;
  /** Absent only on a deleted message. */
  text?: string;
  ts: number;
  nonce?: string;
  replyTo?: string;
  reply?: ReplyQuote;
  editedAt?: number;
  deleted?: true;
  reactions?: Reactions;
  /** The kind of person who sent it (guest when stored before accounts). */
  kind?: "guest" | "account" | "token";
}

/** A message's new text; `text` is absent when the message was deleted since. */
export interface EditedEvent {
  type: "edited";
  id: string;
  target: string;
  text?: string;
  editedAt: number;
  username: string;
}

/** A message taken back. */
export interface DeletedEvent {
  type: "deleted";
  id: string;
  target: string;
  by: string;
  ts: number;
}

/** A reaction added (`on`) or taken back. */
export interface ReactionEvent {
  type: "reaction";
  id: string;
  target: string;
  emoji: string;
  username: string;
  on: boolean;
}

/** A change to a stored message, with its own id in the room's sequence. */
export type ChangeEvent = EditedEvent | DeletedEvent | ReactionEvent;

/** Everything with an id in the room's sequence: messages and their changes. */
export type LogEvent = MessageEvent | ChangeEvent;

/** Answer to a successful `join`. */
export interface WelcomeEvent {
  type: "welcome";
  room: string;
  username: string;
  members: string[];
  /** The same people as `members`, same order, with kind and role. */
  people?: PersonView[];
  /** Messages; after `since`, their changes too, in sequence order. */
  history: LogEvent[];
  truncated?: true;
}

/** Someone entered the room. */
export interface JoinedEvent {
  type: "joined";
  username: string;
  ts: number;
  members: string[];
  /** The same people as `members`, same order, with kind and role. */
  people?: PersonView[];
}

/** Someone's last connection to the room closed. */
export interface LeftEvent {
  type: "left";
  username: string;
  ts: number;
  members: string[];
  /** The same people as `members`, same order, with kind and role. */
  people?: PersonView[];
}

/**
 * What changed in the room's member list over a short window, for
 * connections that asked for coalesced presence: applied to the list the
 * connection holds (its welcome's, then each presence event's), it gives
 * the room's list. Carries the whole list instead when the connection's
 * list may not be the one the changes start from.
 */
export interface PresenceEvent {
  type: "presence";
  /** Names added to the list (not your own). */
  joined: string[];
  /** Names taken off the list. */
  left: string[];
  /** The whole list, when it replaces yours; absent when the event carries changes only. */
  members?: string[];
  /**
   * With `members`: the same people, same order. Without: the entries to
   * add or replace (those who joined, yours included, and anyone whose kind
   * or role changed).
   */
  people?: PersonView[];
  /** How many people the list holds after the event. */
  count: number;
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
  | "unauthorized"
  | "kicked"
  | "room_limit"
  | "not_found";

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
  /** The notice the room's people get, carried in the same event so a server never gets one without the other. */
  notice?: NoticeEvent;
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
  | ChangeEvent
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
  /** Required of guests; an account or token user may leave it out. */
  username?: string;
  /** An embedding site's token (Part 2, "Tokens for embedding sites"). */
  token?: string;
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
  replyTo?: string;
}

/** A validated `edit` frame. */
export interface EditFrame {
  type: "edit";
  id: string;
  text: string;
}

/** A validated `delete` frame. */
export interface DeleteFrame {
  type: "delete";
  id: string;
}

/** A validated `react` frame. */
export interface ReactFrame {
  type: "react";
  id: string;
  emoji: string;
  on: boolean;
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
  | ModerationFrame
  | EditFrame
  | DeleteFrame
  | ReactFrame;

/** A room as listed by `GET /api/rooms` and on the home page. */
export interface RoomSummary {
  room: string;
  online: number;
  lastMessageAt: number | null;
}

/** A frame that was refused, with the protocol's error code. */
export interface FrameError {
  code: ErrorCode;
  message: string;
  /** The `nonce` of a refused `message` frame, when it had a valid one. */
  nonce?: string;
}

/** A parsed frame, or the error to answer with. */
export type FrameResult =
  | { ok: true; frame: ClientFrame }
  | { ok: false; error: FrameError };
