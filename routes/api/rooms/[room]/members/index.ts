import type { AppState } from "../../../../../lib/app_state.ts";
import type { Handlers } from "../../../../../lib/framework/types.ts";
import {
  askerOf,
  json,
  refused,
  roomParam,
} from "../../../../../lib/rooms/http.ts";

/** The members of a room (by invite, token, or the owner's hand), for those inside it. */
export const handler: Handlers<unknown, AppState> = {
  async GET(req, ctx) {
    const room = roomParam(ctx);
    if (!room) return refused("hidden");
    const { access } = ctx.state;
    const { decision, look } = await access.may(
      "members",
      room,
      await askerOf(req, ctx, room),
    );
    if (decision !== "allow") return refused(decision);
    const { owner, moderators } = look.settings;
    const members = (await access.rooms.members(room)).map((m) => ({
      username: m.username,
      since: m.since,
    }));
    return json({ owner, moderators, members });
  },
};
