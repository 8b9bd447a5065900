import type { MessageEvent } from "../protocol/events.ts";
import type { MessageStore } from "../store/store.ts";
import { RoomIndex } from "./room_index.ts";
import { queryWords } from "./tokens.ts";

/** Most rooms with an index in memory; the least recently searched goes first. */
export const MAX_INDEXED_ROOMS = 200;
/** Most word occurrences held by all indexes together (about 100 MB). */
export const MAX_INDEXED_WEIGHT = 4_000_000;
/** Messages read per page while an index is built. */
const BUILD_PAGE = 1000;
/** Entries read per page while catching up. */
const CATCH_UP_PAGE = 2000;

/** Lets sockets and timers run between pages of a long build, so it never stalls the server. */
function yieldToEvents(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

interface Entry {
  index: RoomIndex;
  /** The work on this index, one step at a time. */
  queue: Promise<unknown>;
}

/** Options of {@linkcode SearchService}. */
export interface SearchOptions {
  maxRooms?: number;
  maxWeight?: number;
}

/**
 * Search over the rooms' stored messages. Each room's index is built from
 * the store on its first query and, before every query, brought up to date
 * by reading the room's sequence after the newest entry it holds: so every
 * server answers from what the store holds, with no fan-out of its own and
 * no cost on the send path.
 */
export class SearchService {
  #store: MessageStore;
  #entries = new Map<string, Entry>();
  #maxRooms: number;
  #maxWeight: number;

  /** Searches `store`. */
  constructor(store: MessageStore, options: SearchOptions = {}) {
    this.#store = store;
    this.#maxRooms = options.maxRooms ?? MAX_INDEXED_ROOMS;
    this.#maxWeight = options.maxWeight ?? MAX_INDEXED_WEIGHT;
  }

  /** Rooms indexed now. */
  get rooms(): number {
    return this.#entries.size;
  }

  /** Messages of `room` holding every word of `query`, newest first, each as it is now. */
  async search(
    room: string,
    options: { query: string; limit: number },
  ): Promise<MessageEvent[]> {
    const words = queryWords(options.query);
    if (words.length === 0) return [];
    let entry = this.#entries.get(room);
    if (entry) {
      this.#entries.delete(room);
    } else {
      entry = { index: new RoomIndex(), queue: Promise.resolve() };
    }
    this.#entries.set(room, entry);
    const current = entry;
    const ids = await (current.queue = current.queue.catch(() => {}).then(
      async () => {
        await this.#catchUp(room, current);
        return current.index.query(words, options.limit);
      },
    )) as string[];
    this.#evict(room);
    const found = await Promise.all(ids.map((id) => this.#store.get(room, id)));
    return found.flatMap((stored) =>
      stored && !stored.message.deleted ? [stored.message] : []
    );
  }

  /** Reads forward what was stored since the index's newest entry, page by page. */
  async #catchUp(room: string, entry: Entry): Promise<void> {
    if (entry.index.lastId === "") return await this.#build(room, entry);
    while (true) {
      const page = await this.#store.after(room, {
        since: entry.index.lastId,
        limit: CATCH_UP_PAGE,
        oldest: true,
      });
      for (const event of page.messages) entry.index.apply(event);
      if (!page.truncated) return;
    }
  }

  /** Reads the room's messages as they are now, newest page first, into a fresh index. */
  async #build(room: string, entry: Entry): Promise<void> {
    const head = await this.#store.head(room);
    const pages: MessageEvent[][] = [];
    let before: string | undefined;
    while (true) {
      const page = await this.#store.before(room, {
        before,
        limit: BUILD_PAGE,
      });
      if (page.length === 0) break;
      pages.push(page);
      if (page.length < BUILD_PAGE) break;
      before = page[0].id;
    }
    const index = new RoomIndex();
    for (const page of pages.reverse()) {
      for (const message of page) index.put(message);
      await yieldToEvents();
    }
    index.lastId = head;
    entry.index = index;
    if (head !== "") await this.#catchUp(room, entry);
  }

  /** Drops the least recently searched indexes past the limits, never `keep`. */
  #evict(keep: string): void {
    let weight = 0;
    for (const entry of this.#entries.values()) weight += entry.index.weight;
    for (const [room, entry] of this.#entries) {
      if (
        this.#entries.size <= this.#maxRooms && weight <= this.#maxWeight
      ) return;
      if (room === keep) continue;
      this.#entries.delete(room);
      weight -= entry.index.weight;
    }
  }
}
