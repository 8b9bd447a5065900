/** The home page's card of rooms with people online. */
import type { RoomSummary } from "../../protocol/events.ts";
import { Ago, RoomLink } from "./room_link.tsx";

/** Props of {@linkcode ActiveRooms}. */
export interface ActiveRoomsProps {
  /** Rooms with people online, or null when the list could not be loaded. */
  rooms: readonly RoomSummary[] | null;
  now: number;
  timeZone: string;
}

/** "Active rooms": the list, or why there is none. */
export function ActiveRooms(props: ActiveRoomsProps) {
  const { rooms } = props;
  return (
    <section class="card" aria-labelledby="rooms-heading">
      <h2 id="rooms-heading">Active rooms</h2>
      {rooms === null
        ? (
          <p class="muted">
            The list of rooms cannot be loaded right now. You can still join a
            room by name.
          </p>
        )
        : rooms.length === 0
        ? (
          <p class="muted">
            Nobody is chatting right now. Start a room above and share its link.
          </p>
        )
        : (
          <ul class="room-list" aria-live="polite">
            {rooms.map(({ room, online, lastMessageAt }) => (
              <RoomLink key={room} room={room}>
                <span class="online-count">
                  <span class="online-dot" aria-hidden="true"></span>
                  {online} online
                </span>
                {lastMessageAt !== null && (
                  <Ago
                    ts={lastMessageAt}
                    now={props.now}
                    timeZone={props.timeZone}
                    prefix="last message"
                  />
                )}
              </RoomLink>
            ))}
          </ul>
        )}
    </section>
  );
}
