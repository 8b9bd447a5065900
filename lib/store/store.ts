import type { MessageEvent } from "../chat/events.ts";

/** What a caller hands the store to append one message. */
export interface AppendInput {
  username: string;
  text: string;
  ts: number;
  nonce?: string;
  /** Scope of the nonce: the sender's clientId, or a connection id. */
  dedupeKey?: string;
}

/** The stored message, and whether it had been stored before (same nonce and key). */
export interface AppendResult {
  message: MessageEvent;
  duplicate: boolean;
}

/** A run of history, oldest first; `truncated` when older messages after the cursor were left out. */
export interface HistoryPage {
  messages: MessageEvent[];
  truncated: boolean;
}

/** Options of {@linkcode MessageStore.after}. */
export interface AfterOptions {
  since: string;
  limit: number;
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
  /** Messages whose id sorts after `since`, oldest first; the newest `limit` of them, `truncated` when more. */
  after(room: string, options: AfterOptions): Promise<HistoryPage>;
  /** Up to `limit` messages whose id sorts before `before` (the newest when absent), oldest first. */
  before(room: string, options: BeforeOptions): Promise<MessageEvent[]>;
  /** Time of the room's newest message, or null. */
  lastMessageAt(room: string): Promise<number | null>;
  /** Throws when the storage cannot be reached. */
  ping(): Promise<void>;
  /** Releases connections and files. */
  close(): Promise<void>;
}

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
  return message;
}
