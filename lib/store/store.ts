import type {
  ChangeEvent,
  LogEvent,
  MessageEvent,
} from "../protocol/events.ts";
import { kindOfKey } from "../people/identity.ts";
import { quoteOf, tombstoneOf } from "../protocol/message_shapes.ts";

/** What a caller hands the store to append one message. */
export interface AppendInput extends IdFloor {
  username: string;
  text: string;
  ts: number;
  nonce?: string;
  /** Scope of the nonce: the sender's clientId, or a connection id. */
  dedupeKey?: string;
  /** Who owns the message (`g:`, `c:`, `a:`, `t:` keys); stored, never on the wire. */
  owner?: string;
  /** Id of the message this one answers. */
  replyTo?: string;
}

/**
 * The newest id a server has handed out in a room. A store that can lose
 * acknowledged writes (Redis without `WAIT`, after a failover) gives the
 * next message or change an id after it, so no id is handed out twice.
 */
export interface IdFloor {
  after?: string;
}

/** A change to a stored message, as handed to {@linkcode MessageStore.change}. */
export type ChangeInput =
  & (
    | {
      kind: "edit";
      target: string;
      text: string;
      username: string;
      ts: number;
    }
    | { kind: "delete"; target: string; by: string; ts: number }
    | {
      kind: "react";
      target: string;
      emoji: string;
      username: string;
      on: boolean;
    }
  )
  & IdFloor;

/** Why a change was refused. */
export type ChangeRefusal =
  | "not_found"
  | "too_many_reactions"
  | "too_many_edits";

/** The stored change event; `event` is absent when nothing changed (a repeated reaction). */
export type ChangeResult =
  | { ok: true; event?: ChangeEvent }
  | { ok: false; refusal: ChangeRefusal };

/** A message as it is now, with its owner key. */
export interface StoredMessage {
  message: MessageEvent;
  owner?: string;
}

/** The stored message, and whether it had been stored before (same nonce and key). */
export interface AppendResult {
  message: MessageEvent;
  duplicate: boolean;
}

/** A run of the room's sequence, oldest first; `truncated` when older entries after the cursor were left out. */
export interface HistoryPage {
  messages: LogEvent[];
  truncated: boolean;
}

/** Options of {@linkcode MessageStore.after}. */
export interface AfterOptions {
  since: string;
  limit: number;
  /** Take the oldest `limit` after `since` instead of the newest (`truncated`: more follow), to read forward page by page. */
  oldest?: boolean;
}

/** Options of {@linkcode MessageStore.before}. */
export interface BeforeOptions {
  before?: string;
  limit: number;
}

/** Durable, per-room ordered message history; one interface, several backends. */
export interface MessageStore {
  /** Stores a message with the room's next id (atomic per room); a repeated nonce returns the original. */
  append(room: string, input: AppendInput): Promise<AppendResult>;
  /** Applies a change with the room's next id, atomically with the message's new state. */
  change(room: string, input: ChangeInput): Promise<ChangeResult>;
  /** Messages and change events whose id sorts after `since`, oldest first; the newest `limit` (the oldest with `oldest`), `truncated` when more. */
  after(room: string, options: AfterOptions): Promise<HistoryPage>;
  /** Up to `limit` messages (no change events) whose id sorts before `before` (the newest when absent), oldest first, each as it is now. */
  before(room: string, options: BeforeOptions): Promise<MessageEvent[]>;
  /** One message as it is now (tombstones included), or undefined. */
  get(room: string, id: string): Promise<StoredMessage | undefined>;
  /** Id of the newest entry of the room's sequence (message or change), or "". */
  head(room: string): Promise<string>;
  /** Time of the room's newest message, or null. */
  lastMessageAt(room: string): Promise<number | null>;
  /** Throws when the storage cannot be reached. */
  ping(): Promise<void>;
  /** Releases connections and files. */
  close(): Promise<void>;
}

/** Most distinct emoji on one message. */
export const MAX_REACTION_EMOJI = 20;
/** Most edits of one message (each edit's text is scrubbed when it is deleted). */
export const MAX_EDITS = 50;

/** How long a nonce is remembered for de-duplication. */
export const NONCE_TTL_MS = 5 * 60_000;

/** How much history a store keeps. */
export interface RetentionOptions {
  /** Oldest messages beyond this count are dropped (default 10,000). */
  maxMessagesPerRoom?: number;
  /** Most rooms with stored messages (`CHAT_MAX_ROOMS`); a first message in one more is refused. No cap when absent. */
  maxRooms?: number;
}

/** The refusal of a first message in a new room once a store holds its {@linkcode RetentionOptions.maxRooms}. */
export class RoomLimitError extends Error {
  /** The wire error code. */
  readonly code = "room_limit";

  /** `maxRooms` is the cap that was reached. */
  constructor(maxRooms: number) {
    super(
      `This server keeps messages for at most ${maxRooms} rooms and this ` +
        "room would be a new one; talk in a room that already has messages.",
    );
    this.name = "RoomLimitError";
  }
}

/** The wire form of a message about to be stored. */
export function toMessage(
  room: string,
  input: AppendInput & { id: string },
): MessageEvent {
  const message: MessageEvent = {
    type: "message",
    id: input.id,
    room,
    username: input.username,
    text: input.text,
    ts: input.ts,
  };
  if (input.nonce !== undefined) message.nonce = input.nonce;
  if (input.replyTo !== undefined) message.replyTo = input.replyTo;
  if (input.owner !== undefined) message.kind = kindOfKey(input.owner);
  return message;
}

/**
 * The part of `merged` (oldest first) that {@linkcode MessageStore.after}
 * returns: the newest `limit`, or the oldest with `oldest`; `truncated` when
 * some were left out.
 */
export function pageOf<T>(
  merged: T[],
  options: { limit: number; oldest?: boolean },
): { kept: T[]; truncated: boolean } {
  return {
    kept: options.oldest
      ? merged.slice(0, options.limit)
      : merged.slice(Math.max(0, merged.length - options.limit)),
    truncated: merged.length > options.limit,
  };
}

/** Sets `reply` on the replies among `events` from their targets as they are now (looked up by `lookup`). */
export async function attachReplies(
  events: LogEvent[],
  lookup: (ids: string[]) => Promise<(MessageEvent | undefined)[]>,
): Promise<void> {
  const replies = events.filter((e): e is MessageEvent =>
    e.type === "message" && e.replyTo !== undefined
  );
  if (replies.length === 0) return;
  const ids = [...new Set(replies.map((m) => m.replyTo!))];
  const found = new Map<string, MessageEvent>();
  (await lookup(ids)).forEach((m, i) => m && found.set(ids[i], m));
  for (const reply of replies) {
    const target = found.get(reply.replyTo!);
    if (target) reply.reply = quoteOf(target);
  }
}

/** A message's state after `change` (a copy); undefined when the change alters nothing. */
export function applyChange(
  message: MessageEvent,
  change: ChangeInput,
): MessageEvent | ChangeRefusal | undefined {
  if (message.deleted) return "not_found";
  switch (change.kind) {
    case "edit":
      return { ...message, text: change.text, editedAt: change.ts };
    case "delete":
      return tombstoneOf(message);
    case "react": {
      const reactions = { ...message.reactions };
      const names = reactions[change.emoji] ?? [];
      const has = names.includes(change.username);
      if (has === change.on) return undefined;
      if (change.on) {
        if (
          !reactions[change.emoji] &&
          Object.keys(reactions).length >= MAX_REACTION_EMOJI
        ) return "too_many_reactions";
        reactions[change.emoji] = [...names, change.username];
      } else {
        const left = names.filter((n) => n !== change.username);
        if (left.length > 0) reactions[change.emoji] = left;
        else delete reactions[change.emoji];
      }
      const { reactions: _, ...rest } = message;
      return Object.keys(reactions).length === 0
        ? rest
        : { ...rest, reactions };
    }
  }
}

/** The wire event of a change stored under `id`. */
export function changeEvent(id: string, change: ChangeInput): ChangeEvent {
  switch (change.kind) {
    case "edit":
      return {
        type: "edited",
        id,
        target: change.target,
        text: change.text,
        editedAt: change.ts,
        username: change.username,
      };
    case "delete":
      return {
        type: "deleted",
        id,
        target: change.target,
        by: change.by,
        ts: change.ts,
      };
    case "react":
      return {
        type: "reaction",
        id,
        target: change.target,
        emoji: change.emoji,
        username: change.username,
        on: change.on,
      };
  }
}
