import type { MessageEvent } from "../../lib/protocol/events.ts";
import { parseRoom, parseUsername } from "../../lib/protocol/names.ts";
import type { AppState } from "../../lib/app_state.ts";
import { Head } from "../../lib/framework/head.ts";
import type { Handlers, PageProps } from "../../lib/framework/types.ts";
import { roomPath } from "../../lib/client/urls.ts";
import {
  NAME_COOKIE,
  readCookie,
  TZ_COOKIE,
} from "../../lib/client/storage.ts";
import { isTimeZone } from "../../lib/ui/format.ts";
import { SiteHeader } from "../../lib/ui/site_header.tsx";
import ChatRoom from "../../islands/chat_room.tsx";
import { askerOf } from "../../lib/http/room_routes.ts";
import RoomAdmin from "../../islands/room_admin.tsx";
import { moderates, type RoomRights } from "../../lib/ui/room/room_rights.ts";

interface RoomData {
  room: string;
  history: MessageEvent[];
  timeZone: string;
  self: string | null;
  /** The signed-in account's name: it joins under it, with no name prompt. */
  account: string | null;
  /** Whether the server has accounts (the header offers to sign in). */
  accounts: boolean;
  now: number;
  rights: RoomRights;
}

const HISTORY_LIMIT = 50;

/** The canonical URL of a room (so `/chat/LOBBY/` redirects once, to `/chat/lobby`); null for an invalid name. */
export function canonicalPath(params: Record<string, string>): string | null {
  const parsed = parseRoom(params.room);
  return parsed.ok ? roomPath(parsed.canonical) : null;
}

/** Invalid names are a 404, other spellings redirect (308) to the canonical URL, the rest render the room. */
export const handler: Handlers<RoomData, AppState> = {
  async GET(req, ctx) {
    const parsed = parseRoom(ctx.params.room);
    if (!parsed.ok) return ctx.renderNotFound();
    const room = parsed.canonical;
    if (ctx.params.room !== room) {
      return new Response(null, {
        status: 308,
        headers: { location: roomPath(room) + ctx.url.search },
      });
    }
    const { decision, look } = await ctx.state.access.may(
      "page",
      room,
      await askerOf(req, ctx, { room }),
    );
    if (decision !== "allow") return ctx.renderNotFound();
    const history = await ctx.state.chat.history(room, {
      limit: HISTORY_LIMIT,
    });
    const cookies = req.headers.get("cookie");
    const zone = readCookie(cookies, TZ_COOKIE);
    const name = parseUsername(readCookie(cookies, NAME_COOKIE) ?? "");
    const account = look.identity?.kind === "account"
      ? look.identity.username
      : null;
    return ctx.render({
      room,
      history,
      timeZone: zone !== null && isTimeZone(zone) ? zone : "UTC",
      self: account ?? (name.ok ? name.name : null),
      account,
      accounts: ctx.state.people.mode !== "off",
      now: Date.now(),
      rights: {
        standing: look.standing,
        owner: look.settings.owner,
        moderators: look.settings.moderators,
        topic: look.settings.topic,
        visibility: look.settings.visibility,
        guests: look.settings.guests,
        slowModeS: look.settings.slowModeS,
      },
    });
  },
};

/** A room: recent history rendered on the server, then the live island takes it over. */
export default function RoomPage({ data }: PageProps<RoomData, AppState>) {
  return (
    <>
      <Head>
        <title>{`#${data.room} · Chat`}</title>
        <noscript>
          <link rel="stylesheet" href="/noscript.css" />
        </noscript>
      </Head>
      <div class="room-layout">
        <SiteHeader account={data.accounts ? data.account : undefined}>
          <h1 class="room-title">
            <span class="hash" aria-hidden="true">#</span>
            {data.room}
          </h1>
          {data.rights.visibility === "private" && (
            <span class="room-badge">Private</span>
          )}
          {data.rights.topic && (
            <p class="room-topic">
              <bdi>{data.rights.topic}</bdi>
            </p>
          )}
          {moderates(data.rights) && (
            <RoomAdmin room={data.room} rights={data.rights} />
          )}
          <a class="back-link" href="/">All rooms</a>
        </SiteHeader>
        <noscript>
          <p class="noscript">
            You are reading the latest messages. Turn on JavaScript to join the
            conversation and see new messages live.
          </p>
        </noscript>
        <main class="room-main">
          <ChatRoom
            room={data.room}
            history={data.history}
            historyComplete={data.history.length < HISTORY_LIMIT}
            timeZone={data.timeZone}
            self={data.self}
            account={data.account}
            now={data.now}
            rights={data.rights}
          />
        </main>
      </div>
    </>
  );
}
