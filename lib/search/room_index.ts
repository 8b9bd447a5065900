import type { LogEvent, MessageEvent } from "../chat/events.ts";
import { searchTokens } from "./tokens.ts";

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
      if (ids) ids.push(message.id);
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
    const candidates = best!.length === 1
      ? [...best![0]]
      : [...new Set(best!.flat())];
    candidates.sort((a, b) => a < b ? 1 : a > b ? -1 : 0);
    const found: string[] = [];
    let previous: string | undefined;
    for (const id of candidates) {
      if (id === previous) continue;
      previous = id;
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
