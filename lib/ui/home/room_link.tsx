/** One room in a home page list: its link, its name, and what is known of it (who is there, when). */
import type { ComponentChildren } from "preact";
import { roomPath } from "../../client/urls.ts";
import { formatAgo, formatFull } from "../format.ts";

/** "visited 7 min ago": a `<time>` with the full date as its title. */
export function Ago(
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

/** A list item linking to `room`; the children are its details. */
export function RoomLink(props: { room: string; children: ComponentChildren }) {
  return (
    <li>
      <a class="room-link" href={roomPath(props.room)}>
        <span class="room-name">
          <span class="hash" aria-hidden="true">#</span>
          {props.room}
        </span>
        <span class="room-meta">{props.children}</span>
      </a>
    </li>
  );
}
