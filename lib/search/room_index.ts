import type { LogEvent, MessageEvent } from "../protocol/events.ts";
import { searchTokens } from "./tokens.ts";

/** Above this many matching words a query sorts its candidates instead of merging the lists. */
const MERGE_LISTS = 16;

/** Adds `id` to `ids`, kept sorted and without duplicates (appends are the common case). */
function insert(ids: string[], id: string): void {
  const last = ids.at(-1);
  if (last === undefined || last < id) {
    ids.push(id);
    return;
  }
  let low = 0;
  let high = ids.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (ids[mid] < id) low = mid + 1;
    else high = mid;
  }
  if (ids[low] !== id) ids.splice(low, 0, id);
}

/** The ids of sorted `lists`, newest first, each once. */
function* newestFirst(lists: string[][]): Generator<string> {
  if (lists.length > MERGE_LISTS) {
    const all = [...new Set(lists.flat())].sort();
    for (let i = all.length - 1; i >= 0; i--) yield all[i];
    return;
  }
  const at = lists.map((list) => list.length - 1);
  let previous: string | undefined;
  while (true) {
    let best = -1;
    for (let i = 0; i < lists.length; i++) {
      if (at[i] >= 0 && (best < 0 || lists[i][at[i]] > lists[best][at[best]])) {
        best = i;
      }
    }
    if (best < 0) return;
    const id = lists[best][at[best]--];
    if (id !== previous) yield id;
    previous = id;
  }
}

/**
 * An inverted index of one room's messages as they are now: each word to
 * the ids of the messages holding it. A query word matches a message word
 * it begins (`caf` finds `café`); a message matches when every query word
 * does. Edits and deletions leave stale ids in the postings, which each
 * query checks against the message's current words; they are swept out
 * once there are as many stale ids as messages.
 */
export class RoomIndex {
  /** Id of the newest entry of the room's sequence taken in. */
  lastId = "";
  #docs = new Map<string, string[]>();
  #postings = new Map<string, string[]>();
  #stale = 0;
  #words = 0;

  /** Messages indexed. */
  get size(): number {
    return this.#docs.size;
  }

  /** Word occurrences held, a measure of the index's memory. */
  get weight(): number {
    return this.#words + this.#docs.size;
  }

  /** Indexes `message` as it is now (a deleted one is dropped). */
  put(message: MessageEvent): void {
    if (this.#docs.has(message.id)) this.remove(message.id);
    if (message.deleted || message.text === undefined) return;
    const tokens = searchTokens(message.text);
    this.#docs.set(message.id, tokens);
    this.#words += tokens.length;
    for (const token of tokens) {
      const ids = this.#postings.get(token);
      if (ids) insert(ids, message.id);
      else this.#postings.set(token, [message.id]);
    }
  }

  /** Forgets a message. */
  remove(id: string): void {
    const tokens = this.#docs.get(id);
    if (!tokens) return;
    this.#docs.delete(id);
    this.#words -= tokens.length;
    this.#stale += tokens.length;
    if (this.#stale > this.#docs.size + 1000) this.#compact();
  }

  /** Takes in one entry of the room's sequence. */
  apply(event: LogEvent): void {
    switch (event.type) {
      case "message":
        this.put(event);
        break;
      case "edited":
        if (event.text !== undefined && this.#docs.has(event.target)) {
          this.remove(event.target);
          this.put({
            type: "message",
            id: event.target,
            room: "",
            username: "",
            ts: 0,
            text: event.text,
          });
        }
        break;
      case "deleted":
        this.remove(event.target);
        break;
    }
    if (event.id > this.lastId) this.lastId = event.id;
  }

  /** Ids of the messages holding every word, newest first, at most `limit`. */
  query(words: string[], limit: number): string[] {
    if (words.length === 0) return [];
    let best: string[][] | undefined;
    let bestSize = Infinity;
    for (const word of words) {
      const lists: string[][] = [];
      let size = 0;
      for (const [token, ids] of this.#postings) {
        if (!token.startsWith(word)) continue;
        lists.push(ids);
        size += ids.length;
      }
      if (size === 0) return [];
      if (size < bestSize) {
        best = lists;
        bestSize = size;
      }
    }
    const found: string[] = [];
    for (const id of newestFirst(best!)) {
      const tokens = this.#docs.get(id);
      if (!tokens) continue;
      if (words.every((w) => tokens.some((t) => t.startsWith(w)))) {
        found.push(id);
        if (found.length >= limit) break;
      }
    }
    return found;
  }

  #compact(): void {
    this.#postings.clear();
    const docs = [...this.#docs].sort(([a], [b]) => a < b ? -1 : 1);
    for (const [id, tokens] of docs) {
      for (const token of tokens) {
        const ids = this.#postings.get(token);
        if (ids) ids.push(id);
        else this.#postings.set(token, [id]);
      }
    }
    this.#stale = 0;
  }
}
