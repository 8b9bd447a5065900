import type { RoomSummary } from "../lib/chat/events.ts";
import { parseRoom } from "../lib/chat/names.ts";
import type { AppState } from "../lib/app_state.ts";
import { Head } from "../lib/framework/head.ts";
import type { Handlers, PageProps } from "../lib/framework/types.ts";
import { roomPath } from "../lib/client/urls.ts";
import { formatAgo, formatFull } from "../lib/ui/format.ts";
import { SiteHeader } from "../lib/ui/site_header.tsx";
import JoinForm from "../islands/join_form.tsx";

interface HomeData {
  rooms: RoomSummary[] | null;
  value: string;
  error: string | null;
  now: number;
}

/** `GET /?room=<name>` (the form sent without JavaScript) redirects to the room; a bad name re-renders with the reason. */
export const handler: Handlers<HomeData, AppState> = {
  async GET(_req, ctx) {
    const raw = ctx.url.searchParams.get("room");
    let error: string | null = null;
    if (raw !== null) {
      const parsed = parseRoom(raw.trim());
      if (parsed.ok) {
        return new Response(null, {
          status: 303,
          headers: { location: roomPath(parsed.canonical) },
        });
      }
      error = parsed.reason;
    }
    let rooms: RoomSummary[] | null;
    try {
      rooms = await ctx.state.chat.rooms();
    } catch {
      rooms = null;
    }
    return ctx.render({ rooms, value: raw ?? "", error, now: Date.now() });
  },
};

function RoomItem(props: { room: RoomSummary; now: number }) {
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
            <time
              class="room-activity"
              dateTime={new Date(lastMessageAt).toISOString()}
              title={formatFull(lastMessageAt, { timeZone: "UTC" })}
            >
              last message {formatAgo(lastMessageAt, props.now)}
            </time>
          )}
        </span>
      </a>
    </li>
  );
}

/** Home: join a room by name, and the rooms people are in right now. */
export default function Home({ data }: PageProps<HomeData, AppState>) {
  return (
    <>
      <Head>
        <title>Chat · pick a room</title>
      </Head>
      <SiteHeader />
      <main class="page page-home">
        <section class="card hero" aria-labelledby="home-heading">
          <h1 id="home-heading">Talk in real time</h1>
          <p class="lead">
            Pick a room name. Everyone who opens the same room joins the same
            conversation — no account needed.
          </p>
          <JoinForm value={data.value} error={data.error} />
        </section>
        <section class="card" aria-labelledby="rooms-heading">
          <h2 id="rooms-heading">Active rooms</h2>
          {data.rooms === null
            ? (
              <p class="muted">
                The list of rooms cannot be loaded right now. You can still join
                a room by name.
              </p>
            )
            : data.rooms.length === 0
            ? (
              <p class="muted">
                Nobody is chatting right now. Start a room above and share its
                link.
              </p>
            )
            : (
              <ul class="room-list">
                {data.rooms.map((room) => (
                  <RoomItem key={room.room} room={room} now={data.now} />
                ))}
              </ul>
            )}
        </section>
      </main>
    </>
  );
}
