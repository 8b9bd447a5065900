import type { AppState } from "../../../../../lib/app_state.ts";
import type { Handlers } from "../../../../../lib/framework/types.ts";
import { json } from "../../../../../lib/http/json.ts";
import { roomRoute } from "../../../../../lib/http/room_routes.ts";

/** The members of a room (by invite, token, or the owner's hand), for those inside it. */
export const handler: Handlers<unknown, AppState> = {
  GET: roomRoute({ action: "members" }, async (_req, ctx, { room, look }) => {
    const { owner, moderators } = look.settings;
    const members = (await ctx.state.access.rooms.members(room)).map((m) => ({
      username: m.username,
      since: m.since,
    }));
    return json({ owner, moderators, members });
  }),
};
