import type { RoomSummary } from "../lib/protocol/events.ts";
import { ActiveRooms } from "../lib/ui/home/active_rooms.tsx";
import { RecentRoomsCard } from "../lib/ui/home/recent_rooms_card.tsx";
import { useHomeRooms } from "../lib/ui/home/use_home_rooms.ts";

/** Props of the home page's room lists: what the server saw when it rendered. */
export interface HomeRoomsProps {
  /** Rooms with people online, or null when the list could not be loaded. */
  rooms: RoomSummary[] | null;
  /** Server clock at render time. */
  now: number;
}

/** Active rooms (refreshed on a short poll of `/api/rooms`) and the rooms this browser visited. */
export default function HomeRooms(props: HomeRoomsProps) {
  const { rooms, now, recent, timeZone, clearRecent } = useHomeRooms(props);
  return (
    <>
      <ActiveRooms rooms={rooms} now={now} timeZone={timeZone} />
      <RecentRoomsCard
        recent={recent}
        now={now}
        timeZone={timeZone}
        onClear={clearRecent}
      />
    </>
  );
}
