/** The rooms this browser opened, for the home page. */

import { readJson, writeJson } from "./local_store.ts";

const RECENT_KEY = "chat.recentRooms";
const MAX_RECENT = 8;

/** A room this browser opened, and when. */
export interface RecentRoom {
  room: string;
  visitedAt: number;
}

/** The rooms this browser opened, most recent first. */
export function loadRecentRooms(): RecentRoom[] {
  const list = readJson<unknown>(RECENT_KEY, []);
  if (!Array.isArray(list)) return [];
  return list.filter((item): item is RecentRoom =>
    typeof item?.room === "string" && typeof item?.visitedAt === "number"
  ).slice(0, MAX_RECENT);
}

/** Puts `room` first in the recent rooms. */
export function rememberRoom(room: string, now: number = Date.now()): void {
  writeJson(
    RECENT_KEY,
    [
      { room, visitedAt: now },
      ...loadRecentRooms().filter((r) => r.room !== room),
    ].slice(0, MAX_RECENT),
  );
}

/** Forgets every recent room. */
export function clearRecentRooms(): void {
  writeJson(RECENT_KEY, []);
}
