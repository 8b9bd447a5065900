/** The home page's card of the rooms this browser visited, with a button that forgets them. */
import type { RecentRoom } from "../../client/recent_rooms.ts";
import { Ago, RoomLink } from "./room_link.tsx";

/** Props of {@linkcode RecentRoomsCard}. */
export interface RecentRoomsCardProps {
  recent: readonly RecentRoom[];
  now: number;
  timeZone: string;
  onClear: () => void;
}

/** "Your recent rooms"; nothing when there are none. */
export function RecentRoomsCard(props: RecentRoomsCardProps) {
  if (props.recent.length === 0) return null;
  return (
    <section class="card" aria-labelledby="recent-heading">
      <div class="card-head">
        <h2 id="recent-heading">Your recent rooms</h2>
        <button
          type="button"
          class="btn btn-small btn-quiet"
          onClick={props.onClear}
        >
          Clear<span class="visually-hidden">recent rooms</span>
        </button>
      </div>
      <ul class="room-list recent-list">
        {props.recent.map((item) => (
          <RoomLink key={item.room} room={item.room}>
            <Ago
              ts={item.visitedAt}
              now={props.now}
              timeZone={props.timeZone}
              prefix="visited"
            />
          </RoomLink>
        ))}
      </ul>
    </section>
  );
}
