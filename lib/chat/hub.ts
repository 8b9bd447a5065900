import { type Clock, systemClock, type TimerId } from "../clock.ts";
import type { MessageStore } from "../store/store.ts";
import type { ControlEvent, MessageEvent } from "../protocol/events.ts";
import type { Fanout } from "./fanout.ts";
import type { PresenceSnapshot } from "./presence_frames.ts";
import { Room } from "./room.ts";
import type { CrossedGap } from "./gaps.ts";
import { MAX_PRESENCE_FLUSH_MS } from "./presence_window.ts";

/** Most messages read in one go to fill a gap in a room's order. */
export const MAX_GAP_FILL = 10_000;

/**
 * Quiet after a room's last join or leave before its coalesced presence is
 * checked against presence itself: each event carries the list read after
 * it, and two read at nearly the same moment (on two servers, or two joins
 * here) may arrive in the other order, leaving the older list standing.
 */
export const PRESENCE_SETTLE_MS = 2 * MAX_PRESENCE_FLUSH_MS;

interface Entry {
  room: Room;
  refs: number;
  ready: Promise<Room>;
  unsubscribe?: () => void;
  /** Set while the room waits to be quiet, to read its list then. */
  settle?: TimerId;
  /** When the room's last join or leave came (monotonic ms). */
  lastPresenceAt?: number;
}

/** Options of {@linkcode Hub}. */
export interface HubOptions {
  store: MessageStore;
  fanout: Fanout;
  onError?(error: unknown, room: string): void;
  /** Told when a room hands out messages across ids the store no longer has. */
  onGapCrossed?(room: string, gap: CrossedGap): void;
  onDeliver?(message: MessageEvent, recipients: number): void;
  /** How long events wait to be packed for batching connections. */
  batchFlushMs?: number;
  /** Takes the control events of a room (bans, kicks, settings) from any server. */
  onControl?(room: string, event: ControlEvent): void;
  /** The rooms' time and timers; the real clock by default. */
  clock?: Clock;
  /** A room's member list as presence holds it now, with roles: read after a fan-out outage and a change of settings. */
  roster?(room: string): Promise<PresenceSnapshot>;
}

/**
 * The rooms this server holds connections for: each subscribed to the fan-out
 * while anyone is in it, and dropped when the last connection leaves.
 */
export class Hub {
  #entries = new Map<string, Entry>();
  #options: HubOptions;

  /** A hub with no rooms. */
  constructor(options: HubOptions) {
    this.#options = options;
    options.fanout.onResync = (name) => {
      const entry = this.#entries.get(name);
      if (!entry) return;
      entry.room.resync();
      // Joins and leaves were missed too: coalesced presence is put right.
      const roster = options.roster;
      if (roster) entry.room.refreshPresence(() => roster(name));
      // A ban, removal or settings change may have been missed too: look again.
      options.onControl?.(name, { type: "control", action: "settings" });
    };
  }

  /** Rooms with at least one connection here. */
  rooms(): Room[] {
    return [...this.#entries.values()].map((e) => e.room);
  }

  /**
   * Holds a room until {@linkcode release}: subscribes on first use, then
   * reads the newest stored id, so nothing stored after it is missed. A
   * rejected hold needs no release.
   */
  acquire(name: string): Promise<Room> {
    const existing = this.#entries.get(name);
    if (existing) {
      existing.refs++;
      return existing.ready;
    }
    const {
      store,
      fanout,
      onError,
      onGapCrossed,
      onDeliver,
      batchFlushMs,
      onControl,
      clock,
      roster,
    } = this.#options;
    const room = new Room(name, {
      load: async (since) =>
        (await store.after(name, { since, limit: MAX_GAP_FILL })).messages,
      onError: (error) => onError?.(error, name),
      onGapCrossed: (gap) => onGapCrossed?.(name, gap),
      onDeliver,
      batchFlushMs,
      onControl: (event) => {
        onControl?.(name, event);
        // New owner or moderators: coalesced presence gets the changed roles now.
        if (event.action === "settings" && roster) {
          room.refreshPresence(() => roster(name));
        }
      },
      clock,
    });
    const entry: Entry = { room, refs: 1, ready: Promise.resolve(room) };
    entry.ready = (async () => {
      entry.unsubscribe = await fanout.subscribe(name, (event) => {
        room.receive(event);
        if (event.type === "joined" || event.type === "left") {
          this.#settleLater(name, entry);
        }
      });
      if (this.#entries.get(name) !== entry) entry.unsubscribe();
      room.start(await store.head(name));
      return room;
    })();
    this.#entries.set(name, entry);
    entry.ready.catch(() => {
      if (this.#entries.get(name) !== entry) return;
      entry.unsubscribe?.();
      this.#entries.delete(name);
    });
    return entry.ready;
  }

  /** Lets go of a room taken with {@linkcode acquire}. */
  release(name: string): void {
    const entry = this.#entries.get(name);
    if (!entry || --entry.refs > 0) return;
    entry.unsubscribe?.();
    this.#clock.clearTimeout(entry.settle);
    this.#entries.delete(name);
  }

  get #clock(): Clock {
    return this.#options.clock ?? systemClock;
  }

  /**
   * Reads the room's list {@linkcode PRESENCE_SETTLE_MS} after its last join
   * or leave: one timer a room, moved on only when it falls due, so a join
   * storm costs a timestamp per event, not a timer.
   */
  #settleLater(name: string, entry: Entry): void {
    const { roster } = this.#options;
    if (!roster) return;
    entry.lastPresenceAt = this.#clock.monotonic();
    if (entry.settle !== undefined) return;
    const due = () => {
      const quiet = this.#clock.monotonic() - (entry.lastPresenceAt ?? 0);
      if (quiet < PRESENCE_SETTLE_MS) {
        entry.settle = this.#clock.setTimeout(due, PRESENCE_SETTLE_MS - quiet);
        return;
      }
      entry.settle = undefined;
      if (this.#entries.get(name) === entry) {
        entry.room.refreshPresence(() => roster(name));
      }
    };
    entry.settle = this.#clock.setTimeout(due, PRESENCE_SETTLE_MS);
  }
}
