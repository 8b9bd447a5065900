import type { RoomSummary } from "../lib/chat/events.ts";
import { parseRoom } from "../lib/chat/names.ts";
import type { AppState } from "../lib/app_state.ts";
import { Head } from "../lib/framework/head.ts";
import type { Handlers, PageProps } from "../lib/framework/types.ts";
import { roomPath } from "../lib/client/urls.ts";
import { SiteHeader } from "../lib/ui/site_header.tsx";
import JoinForm from "../islands/join_form.tsx";
import HomeRooms from "../islands/home_rooms.tsx";
import CreateRoom from "../islands/create_room.tsx";
import { askerOf } from "../lib/rooms/http.ts";
import { visibleRooms } from "../lib/rooms/listing.ts";

interface HomeData {
  rooms: RoomSummary[] | null;
  value: string;
  error: string | null;
  now: number;
}

/** `GET /?room=<name>` (the form sent without JavaScript) redirects to the room; a bad name re-renders with the reason. */
export const handler: Handlers<HomeData, AppState> = {
  async GET(req, ctx) {
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
      rooms = await visibleRooms(ctx.state.access, {
        rooms: await ctx.state.chat.rooms(),
        asker: await askerOf(req, ctx),
      });
    } catch {
      rooms = null;
    }
    return ctx.render({ rooms, value: raw ?? "", error, now: Date.now() });
  },
};

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
        <section class="card" aria-labelledby="create-heading">
          <h2 id="create-heading">Create a room</h2>
          <p class="lead">
            Your own room, public or private, with moderators and invite links.
            Needs an account.
          </p>
          <CreateRoom />
        </section>
        <HomeRooms rooms={data.rooms} now={data.now} />
      </main>
    </>
  );
}
