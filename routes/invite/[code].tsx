import type { AppState } from "../../lib/app_state.ts";
import { roomPath } from "../../lib/client/urls.ts";
import { Head } from "../../lib/framework/head.ts";
import type { Handlers, PageProps } from "../../lib/framework/types.ts";
import { askerOf } from "../../lib/http/room_routes.ts";
import { isInviteCode } from "../../lib/rooms/settings_input.ts";
import { SiteHeader } from "../../lib/ui/site_header.tsx";

/** Where a signed-out visitor signs in, coming back to the invite after. */
export function signInPath(code: string): string {
  return `/signin?next=${encodeURIComponent(`/invite/${code}`)}`;
}

/**
 * An invite link: a signed-in visitor becomes a member and goes to the room
 * (303); a signed-out one signs in first and comes back; a used-up or
 * expired link gets a 410 page that says so and names no room.
 */
export const handler: Handlers<null, AppState> = {
  async GET(req, ctx) {
    const code = ctx.params.code ?? "";
    if (!isInviteCode(code)) return ctx.renderNotFound();
    const { identity } = await askerOf(req, ctx);
    if (!identity || identity.kind !== "account") {
      return new Response(null, {
        status: 303,
        headers: { location: signInPath(code), "cache-control": "no-store" },
      });
    }
    const { access } = ctx.state;
    const now = access.clock.now();
    const used = await access.rooms.useInvite(code, now);
    if (!used.ok) {
      if (used.reason === "unknown") return ctx.renderNotFound();
      return ctx.render(null, {
        status: 410,
        headers: { "cache-control": "no-store" },
      });
    }
    await access.rooms.addMember(used.room, {
      key: identity.key,
      username: identity.username ?? identity.key.slice(2),
      since: now,
    });
    await access.rooms.audit(used.room, {
      action: "join_by_invite",
      by: identity.username ?? "",
      target: identity.username ?? "",
      ts: now,
    });
    return new Response(null, {
      status: 303,
      headers: { location: roomPath(used.room), "cache-control": "no-store" },
    });
  },
};

/** The page of an invite that can no longer be used. */
export default function InviteGone(_props: PageProps<null, AppState>) {
  return (
    <>
      <Head>
        <title>This invite has ended · Chat</title>
      </Head>
      <SiteHeader />
      <main class="page page-narrow">
        <section class="card not-found" aria-labelledby="invite-gone">
          <p class="eyebrow">410</p>
          <h1 id="invite-gone">This invite link has ended</h1>
          <p>
            It was used as many times as it allowed, or it expired. Ask the
            person who sent it for a new link.
          </p>
          <p>
            <a class="btn btn-primary" href="/">Go to the rooms</a>
          </p>
        </section>
      </main>
    </>
  );
}
