import type { RoomSummary } from "../protocol/events.ts";
import type { Asker, RoomAccess } from "./access.ts";

/** `rooms` without the private ones `asker` is not inside (for `/api/rooms` and the home page). */
export async function visibleRooms(
  access: RoomAccess,
  options: { rooms: RoomSummary[]; asker: Asker },
): Promise<RoomSummary[]> {
  const shown = await Promise.all(
    options.rooms.map((summary) => access.listed(summary.room, options.asker)),
  );
  return options.rooms.filter((_, i) => shown[i]);
}
