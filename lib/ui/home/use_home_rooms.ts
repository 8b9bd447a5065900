/** The home page's room lists in the browser: the active rooms kept fresh, the recent ones, the reader's time and zone. */
import { type Signal, useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import type { RoomSummary } from "../../protocol/events.ts";
import {
  clearRecentRooms,
  loadRecentRooms,
  type RecentRoom,
} from "../../client/recent_rooms.ts";
import { RoomsPoll } from "../../client/rooms_poll.ts";

/** What {@linkcode useHomeRooms} gives the lists. */
export interface HomeRooms {
  rooms: Signal<RoomSummary[] | null>;
  now: Signal<number>;
  recent: Signal<RecentRoom[]>;
  timeZone: Signal<string>;
  /** Forgets the recent rooms. */
  clearRecent: () => void;
}

/** Starts from what the server rendered (`rooms` at `now`), then polls while the page is visible. */
export function useHomeRooms(
  initial: { rooms: RoomSummary[] | null; now: number },
): HomeRooms {
  const rooms = useSignal(initial.rooms);
  const now = useSignal(initial.now);
  const recent = useSignal<RecentRoom[]>([]);
  const timeZone = useSignal("UTC");
  useEffect(() => {
    recent.value = loadRecentRooms();
    timeZone.value = Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
    now.value = Date.now();
    const poll = new RoomsPoll({
      hidden: () => document.hidden,
      onRooms: (list) => rooms.value = list,
      onPolled: (at) => now.value = at,
    });
    const onVisibility = () => poll.visibilityChanged();
    document.addEventListener("visibilitychange", onVisibility);
    poll.start();
    return () => {
      poll.stop();
      document.removeEventListener("visibilitychange", onVisibility);
    };
  }, []);
  const clearRecent = () => {
    clearRecentRooms();
    recent.value = [];
  };
  return { rooms, now, recent, timeZone, clearRecent };
}
