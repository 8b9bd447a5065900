/**
 * The home page's room lists in the browser: the active rooms kept fresh, the
 * recent ones, the reader's time and zone. Plain hooks state: the home page
 * ships no signals library (its JavaScript budget, tests/support/page_weight.ts).
 */
import { useEffect, useState } from "preact/hooks";
import type { RoomSummary } from "../../protocol/events.ts";
import {
  clearRecentRooms,
  loadRecentRooms,
  type RecentRoom,
} from "../../client/recent_rooms.ts";
import { RoomsPoll } from "../../client/rooms_poll.ts";

/** What {@linkcode useHomeRooms} gives the lists. */
export interface HomeRooms {
  rooms: RoomSummary[] | null;
  now: number;
  recent: RecentRoom[];
  timeZone: string;
  /** Forgets the recent rooms. */
  clearRecent: () => void;
}

/** Starts from what the server rendered (`rooms` at `now`), then polls while the page is visible. */
export function useHomeRooms(
  initial: { rooms: RoomSummary[] | null; now: number },
): HomeRooms {
  const [rooms, setRooms] = useState(initial.rooms);
  const [now, setNow] = useState(initial.now);
  const [recent, setRecent] = useState<RecentRoom[]>([]);
  const [timeZone, setTimeZone] = useState("UTC");
  useEffect(() => {
    setRecent(loadRecentRooms());
    setTimeZone(Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC");
    setNow(Date.now());
    const poll = new RoomsPoll({
      hidden: () => document.hidden,
      onRooms: setRooms,
      onPolled: setNow,
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
    setRecent([]);
  };
  return { rooms, now, recent, timeZone, clearRecent };
}
