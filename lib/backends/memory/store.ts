import type {
  ChangeEvent,
  LogEvent,
  MessageEvent,
} from "../../protocol/events.ts";
import { formatId } from "../../chat/ids.ts";
import {
  type AfterOptions,
  type AppendInput,
  type AppendResult,
  applyChange,
  attachReplies,
  type BeforeOptions,
  changeEvent,
  type ChangeInput,
  type ChangeResult,
  type HistoryPage,
  MAX_EDITS,
  type MessageStore,
  NONCE_TTL_MS,
  pageOf,
  type RetentionOptions,
  RoomLimitError,
  type StoredMessage,
  toMessage,
} from "../../store/store.ts";

interface Entry<T extends LogEvent> {
  event: T;
  owner?: string;
  edits?: string[];
}

interface RoomLog {
  seq: number;
  messages: Entry<MessageEvent>[];
  changes: Entry<ChangeEvent>[];
}

/** First index in `entries` whose id sorts after `id` (at or after it, unless `strict`). */
function search<T extends LogEvent>(
  entries: Entry<T>[],
  id: string,
  options: { after: boolean },
): number {
  let low = 0;
  let high = entries.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    const here = entries[mid].event.id;
    if (here < id || (options.after && here === id)) low = mid + 1;
    else high = mid;
  }
  return low;
}

function find<T extends LogEvent>(
  entries: Entry<T>[],
  id: string,
): Entry<T> | undefined {
  const entry = entries[search(entries, id, { after: false })];
  return entry?.event.id === id ? entry : undefined;
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

  #log(room: string): RoomLog {
    let log = this.#rooms.get(room);
    if (!log) {
      this.#rooms.set(
        room,
        log = { seq: Date.now() * 1000, messages: [], changes: [] },
      );
    }
    return log;
  }

  /** Drops what fell out of the newest `maxMessagesPerRoom` positions of the sequence. */
  #trim(log: RoomLog): void {
    const oldest = formatId(log.seq - this.#maxMessages);
    for (const list of [log.messages, log.changes]) {
      const drop = search(list as Entry<LogEvent>[], oldest, { after: true });
      if (drop > 0) list.splice(0, drop);
    }
  }

  append(room: string, input: AppendInput): Promise<AppendResult> {
    if (
      !this.#rooms.has(room) && this.#maxRooms !== undefined &&
      this.#rooms.size >= this.#maxRooms
    ) {
      return Promise.reject(new RoomLimitError(this.#maxRooms));
    }
    const log = this.#log(room);
    const now = Date.now();
    const nonceKey = input.nonce === undefined
      ? undefined
      : JSON.stringify([room, input.dedupeKey ?? "", input.nonce]);
    if (nonceKey !== undefined) {
      const seen = this.#nonces.get(nonceKey);
      if (seen && seen.expires > now) {
        const original = find(log.messages, seen.id);
        if (original) {
          return Promise.resolve({
            message: { ...original.event },
            duplicate: true,
          });
        }
      }
    }
    const message = toMessage(room, { ...input, id: formatId(++log.seq) });
    log.messages.push({ event: message, owner: input.owner });
    this.#trim(log);
    if (nonceKey !== undefined) {
      this.#nonces.delete(nonceKey);
      this.#nonces.set(nonceKey, {
        id: message.id,
        expires: now + NONCE_TTL_MS,
      });
      this.#sweepNonces(now);
    }
    return Promise.resolve({ message: { ...message }, duplicate: false });
  }

  change(room: string, input: ChangeInput): Promise<ChangeResult> {
    const log = this.#rooms.get(room);
    const entry = log && find(log.messages, input.target);
    if (!log || !entry) {
      return Promise.resolve({ ok: false, refusal: "not_found" });
    }
    if (input.kind === "edit" && (entry.edits?.length ?? 0) >= MAX_EDITS) {
      return Promise.resolve({ ok: false, refusal: "too_many_edits" });
    }
    const next = applyChange(entry.event, input);
    if (typeof next === "string") {
      return Promise.resolve({ ok: false, refusal: next });
    }
    if (next === undefined) return Promise.resolve({ ok: true });
    const event = changeEvent(formatId(++log.seq), input);
    if (input.kind === "delete") {
      for (const id of entry.edits ?? []) {
        const edit = find(log.changes, id);
        if (edit?.event.type !== "edited") continue;
        const { text: _, ...scrubbed } = edit.event;
        edit.event = scrubbed;
      }
      entry.edits = undefined;
    }
    if (input.kind === "edit") entry.edits = [...entry.edits ?? [], event.id];
    entry.event = next;
    log.changes.push({ event });
    this.#trim(log);
    return Promise.resolve({ ok: true, event: { ...event } });
  }

  async after(room: string, options: AfterOptions): Promise<HistoryPage> {
    const log = this.#rooms.get(room);
    if (!log) return { messages: [], truncated: false };
    const pick = <T extends LogEvent>(list: Entry<T>[]) => {
      const start = search(list, options.since, { after: true });
      const range = options.oldest
        ? list.slice(start, start + options.limit + 1)
        : list.slice(Math.max(start, list.length - options.limit - 1));
      return range.map((e) => ({ ...e.event }) as LogEvent);
    };
    const merged = [...pick(log.messages), ...pick(log.changes)].sort((a, b) =>
      a.id < b.id ? -1 : 1
    );
    const { kept: events, truncated } = pageOf(merged, options);
    await attachReplies(events, (ids) => this.#lookup(room, ids));
    return { messages: events, truncated };
  }

  async before(room: string, options: BeforeOptions): Promise<MessageEvent[]> {
    const messages = this.#rooms.get(room)?.messages ?? [];
    const end = options.before === undefined
      ? messages.length
      : search(messages, options.before, { after: false });
    const page = messages.slice(Math.max(0, end - options.limit), end).map((
      e,
    ) => ({ ...e.event }));
    await attachReplies(page, (ids) => this.#lookup(room, ids));
    return page;
  }

  #lookup(room: string, ids: string[]): Promise<(MessageEvent | undefined)[]> {
    const messages = this.#rooms.get(room)?.messages ?? [];
    return Promise.resolve(ids.map((id) => find(messages, id)?.event));
  }

  async get(room: string, id: string): Promise<StoredMessage | undefined> {
    const log = this.#rooms.get(room);
    const entry = log && find(log.messages, id);
    if (!entry) return undefined;
    const message = { ...entry.event };
    await attachReplies([message], (ids) => this.#lookup(room, ids));
    return { message, owner: entry.owner };
  }

  head(room: string): Promise<string> {
    const log = this.#rooms.get(room);
    const last = [log?.messages.at(-1)?.event.id, log?.changes.at(-1)?.event.id]
      .filter((id) => id !== undefined).sort().at(-1);
    return Promise.resolve(last ?? "");
  }

  lastMessageAt(room: string): Promise<number | null> {
    const messages = this.#rooms.get(room)?.messages;
    return Promise.resolve(messages?.at(-1)?.event.ts ?? null);
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
