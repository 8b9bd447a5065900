import type { MessageEvent } from "../chat/events.ts";
import { formatId } from "../chat/ids.ts";
import {
  type AfterOptions,
  type AppendInput,
  type AppendResult,
  type BeforeOptions,
  type HistoryPage,
  type MessageStore,
  NONCE_TTL_MS,
  type RetentionOptions,
  RoomLimitError,
  toMessage,
} from "./store.ts";

interface RoomLog {
  seq: number;
  messages: MessageEvent[];
}

/** First index in `messages` whose id sorts after `id`. */
function indexAfter(messages: MessageEvent[], id: string): number {
  let low = 0;
  let high = messages.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (messages[mid].id <= id) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** First index in `messages` whose id is not before `id`. */
function indexFrom(messages: MessageEvent[], id: string): number {
  let low = 0;
  let high = messages.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (messages[mid].id < id) low = mid + 1;
    else high = mid;
  }
  return low;
}

/**
 * Keeps everything in this process; nothing survives a restart. A room's
 * sequence starts from the clock (µs), so ids made after a restart still sort
 * after the ones clients remember.
 */
export class MemoryStore implements MessageStore {
  #rooms = new Map<string, RoomLog>();
  #nonces = new Map<string, { id: string; expires: number }>();
  #maxMessages: number;
  #maxRooms?: number;

  /** An empty store. */
  constructor(options: RetentionOptions = {}) {
    this.#maxMessages = options.maxMessagesPerRoom ?? 10_000;
    this.#maxRooms = options.maxRooms;
  }

  append(room: string, input: AppendInput): Promise<AppendResult> {
    let log = this.#rooms.get(room);
    if (!log) {
      if (this.#maxRooms !== undefined && this.#rooms.size >= this.#maxRooms) {
        return Promise.reject(new RoomLimitError(this.#maxRooms));
      }
      this.#rooms.set(room, log = { seq: Date.now() * 1000, messages: [] });
    }
    const now = Date.now();
    const nonceKey = input.nonce === undefined
      ? undefined
      : JSON.stringify([room, input.dedupeKey ?? "", input.nonce]);
    if (nonceKey !== undefined) {
      const seen = this.#nonces.get(nonceKey);
      if (seen && seen.expires > now) {
        const original = log.messages[indexFrom(log.messages, seen.id)];
        if (original?.id === seen.id) {
          return Promise.resolve({ message: original, duplicate: true });
        }
      }
    }
    const message = toMessage(room, { ...input, id: formatId(++log.seq) });
    log.messages.push(message);
    if (log.messages.length > this.#maxMessages) {
      log.messages.splice(0, log.messages.length - this.#maxMessages);
    }
    if (nonceKey !== undefined) {
      this.#nonces.delete(nonceKey);
      this.#nonces.set(nonceKey, {
        id: message.id,
        expires: now + NONCE_TTL_MS,
      });
      this.#sweepNonces(now);
    }
    return Promise.resolve({ message, duplicate: false });
  }

  after(room: string, options: AfterOptions): Promise<HistoryPage> {
    const messages = this.#rooms.get(room)?.messages ?? [];
    const start = indexAfter(messages, options.since);
    const count = messages.length - start;
    const from = Math.max(start, messages.length - options.limit);
    return Promise.resolve({
      messages: messages.slice(from),
      truncated: count > options.limit,
    });
  }

  before(room: string, options: BeforeOptions): Promise<MessageEvent[]> {
    const messages = this.#rooms.get(room)?.messages ?? [];
    const end = options.before === undefined
      ? messages.length
      : indexFrom(messages, options.before);
    return Promise.resolve(
      messages.slice(Math.max(0, end - options.limit), end),
    );
  }

  lastMessageAt(room: string): Promise<number | null> {
    const messages = this.#rooms.get(room)?.messages;
    return Promise.resolve(messages?.at(-1)?.ts ?? null);
  }

  ping(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  #sweepNonces(now: number): void {
    for (const [key, entry] of this.#nonces) {
      if (entry.expires > now) return;
      this.#nonces.delete(key);
    }
  }
}
