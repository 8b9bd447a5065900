/** The home page's list of active rooms, fetched again on a short poll while the page is visible. */
import type { RoomSummary } from "../protocol/events.ts";
import { type Clock, systemClock, type TimerId } from "../clock.ts";

/** How often the active rooms are refreshed while the page is visible. */
export const ROOMS_POLL_MS = 5000;

/** Options of {@linkcode RoomsPoll}. */
export interface RoomsPollOptions {
  /** Called with each list the server sends. */
  onRooms: (rooms: RoomSummary[]) => void;
  /** Called after each attempt, answered or not, with the clock's time. */
  onPolled: (now: number) => void;
  /** True while the page is hidden: no polling then. */
  hidden: () => boolean;
  /** `/api/rooms` by default. */
  url?: string;
  fetch?: typeof fetch;
  clock?: Clock;
}

/** One poll of `/api/rooms`, paused while the page is hidden. */
export class RoomsPoll {
  #options: RoomsPollOptions;
  #clock: Clock;
  #timer: TimerId | undefined;
  #stopped = false;

  /** A poll that waits for {@linkcode RoomsPoll.start}. */
  constructor(options: RoomsPollOptions) {
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
  }

  /** Polls every {@linkcode ROOMS_POLL_MS} from now (the page holds a fresh list). */
  start(): void {
    this.#schedule();
  }

  /** The page was hidden (pause) or shown again (poll now). */
  visibilityChanged(): void {
    if (this.#options.hidden()) this.#clock.clearTimeout(this.#timer);
    else void this.poll();
  }

  /** Fetches the list now; a failure keeps the last one (offline for a moment). */
  async poll(): Promise<void> {
    const { url = "/api/rooms" } = this.#options;
    try {
      const res = await (this.#options.fetch ?? fetch)(url, {
        cache: "no-store",
      });
      if (res.ok) {
        const body = await res.json() as { rooms?: RoomSummary[] };
        if (!this.#stopped && Array.isArray(body.rooms)) {
          this.#options.onRooms(body.rooms);
        }
      } else {
        await res.body?.cancel();
      }
    } catch {
      // keep the last list
    }
    if (this.#stopped) return;
    this.#options.onPolled(this.#clock.now());
    this.#schedule();
  }

  /** Stops for good. */
  stop(): void {
    this.#stopped = true;
    this.#clock.clearTimeout(this.#timer);
  }

  #schedule(): void {
    this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#stopped || this.#options.hidden()) return;
    this.#timer = this.#clock.setTimeout(() => void this.poll(), ROOMS_POLL_MS);
  }
}
