import { useEffect, useState } from "preact/hooks";
import type { RoomSummary } from "../lib/protocol/events.ts";
import {
  clearRecentRooms,
  loadRecentRooms,
  type RecentRoom,
} from "../lib/client/recent_rooms.ts";
import { roomPath } from "../lib/client/urls.ts";
import { formatAgo, formatFull } from "../lib/ui/format.ts";

/** Props of the home page's room lists: what the server saw when it rendered. */
export interface HomeRoomsProps {
  /** Rooms with people online, or null when the list could not be loaded. */
  rooms: RoomSummary[] | null;
  /** Server clock at render time. */
  now: number;
}

/** How often the active rooms are refreshed while the page is visible. */
export const POLL_MS = 5000;

function Ago(
  props: { ts: number; now: number; prefix: string; timeZone: string },
) {
  return (
    <time
      class="room-activity"
      dateTime={new Date(props.ts).toISOString()}
      title={formatFull(props.ts, { timeZone: props.timeZone })}
    >
      {props.prefix} {formatAgo(props.ts, props.now)}
    </time>
  );
}

function RoomItem(
  props: { room: RoomSummary; now: number; timeZone: string },
) {
  const { room, online, lastMessageAt } = props.room;
  return (
    <li>
      <a class="room-link" href={roomPath(room)}>
        <span class="room-name">
          <span class="hash" aria-hidden="true">#</span>
          {room}
        </span>
        <span class="room-meta">
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
        </span>
      </a>
    </li>
  );
}

/** Active rooms (refreshed on a short poll of `/api/rooms`) and the rooms this browser visited. */
export default function HomeRooms(props: HomeRoomsProps) {
  const [rooms, setRooms] = useState(props.rooms);
  const [now, setNow] = useState(props.now);
  const [recent, setRecent] = useState<RecentRoom[]>([]);
  const [zone, setZone] = useState("UTC");
  useEffect(() => {
    setRecent(loadRecentRooms());
    setZone(Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC");
    setNow(Date.now());
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      try {
        const res = await fetch("/api/rooms", { cache: "no-store" });
        if (res.ok) {
          const body = await res.json() as { rooms?: RoomSummary[] };
          if (Array.isArray(body.rooms)) setRooms(body.rooms);
        } else {
          await res.body?.cancel();
        }
      } catch {
        // offline for a moment: keep the last list
      }
      setNow(Date.now());
      schedule();
    };
    const schedule = () => {
      clearTimeout(timer);
      if (!document.hidden) timer = setTimeout(poll, POLL_MS);
    };
    const onVisibility = () => document.hidden ? clearTimeout(timer) : poll();
    document.addEventListener("visibilitychange", onVisibility);
    schedule();
    return () => {
      clearTimeout(timer);
      document.removeEventListener("visibilitychange", onVisibility);
    };
  }, []);
  const list = rooms;
  return (
    <>
      <section class="card" aria-labelledby="rooms-heading">
        <h2 id="rooms-heading">Active rooms</h2>
        {list === null
          ? (
            <p class="muted">
              The list of rooms cannot be loaded right now. You can still join a
              room by name.
            </p>
          )
          : list.length === 0
          ? (
            <p class="muted">
              Nobody is chatting right now. Start a room above and share its
              link.
            </p>
          )
          : (
            <ul class="room-list" aria-live="polite">
              {list.map((room) => (
                <RoomItem
                  key={room.room}
                  room={room}
                  now={now}
                  timeZone={zone}
                />
              ))}
            </ul>
          )}
      </section>
      {recent.length > 0 && (
        <section class="card" aria-labelledby="recent-heading">
          <div class="card-head">
            <h2 id="recent-heading">Your recent rooms</h2>
            <button
              type="button"
              class="btn btn-small btn-quiet"
              onClick={() => {
                clearRecentRooms();
                setRecent([]);
              }}
            >
              Clear<span class="visually-hidden">recent rooms</span>
            </button>
          </div>
          <ul class="room-list recent-list">
            {recent.map((item) => (
              <li key={item.room}>
                <a class="room-link" href={roomPath(item.room)}>
                  <span class="room-name">
                    <span class="hash" aria-hidden="true">#</span>
                    {item.room}
                  </span>
                  <span class="room-meta">
                    <Ago
                      ts={item.visitedAt}
                      now={now}
                      timeZone={zone}
                      prefix="visited"
                    />
                  </span>
                </a>
              </li>
            ))}
          </ul>
        </section>
      )}
    </>
  );
}
