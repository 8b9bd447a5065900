import type { RoomSummary } from "../lib/protocol/events.ts";
import { parseRoom } from "../lib/protocol/names.ts";
import type { AppState } from "../lib/app_state.ts";
import { Head } from "../lib/framework/head.ts";
import type { Handlers, PageProps } from "../lib/framework/types.ts";
import { roomPath } from "../lib/client/urls.ts";
import { SiteHeader } from "../lib/ui/site_header.tsx";
import JoinForm from "../islands/join_form.tsx";
import HomeRooms from "../islands/home_rooms.tsx";
import CreateRoom from "../islands/create_room.tsx";
import { askerOf } from "../lib/http/room_routes.ts";
import { visibleRooms } from "../lib/rooms/listing.ts";

interface HomeData {
  rooms: RoomSummary[] | null;
  value: string;
  error: string | null;
  now: number;
  /** The signed-in account, null for nobody, undefined without accounts. */
  account?: string | null;
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
    const asker = await askerOf(req, ctx);
    try {
      rooms = await visibleRooms(ctx.state.access, {
        rooms: await ctx.state.chat.rooms(),
        asker,
      });
    } catch {
      rooms = null;
    }
    const account = ctx.state.people.mode === "off"
      ? undefined
      : asker.identity?.kind === "account"
      ? asker.identity.username
      : null;
    return ctx.render({
      rooms,
      value: raw ?? "",
      error,
      now: Date.now(),
      account,
    });
  },
};

/** Home: join a room by name, and the rooms people are in right now. */
export default function Home({ data }: PageProps<HomeData, AppState>) {
  return (
    <>
      <Head>
        <title>Chat · pick a room</title>
      </Head>
      <SiteHeader account={data.account} />
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
