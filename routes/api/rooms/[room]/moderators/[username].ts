import type { AppState } from "../../../../../lib/app_state.ts";
import { canonicalName } from "../../../../../lib/protocol/names.ts";
import type { Handlers } from "../../../../../lib/framework/types.ts";
import { json, roomRoute } from "../../../../../lib/http/room_routes.ts";

/** `DELETE`: the owner takes an account's moderator role away. */
export const handler: Handlers<unknown, AppState> = {
  DELETE: roomRoute(
    { action: "settings" },
    async (_req, ctx, { room, asker, look }) => {
      const { access } = ctx.state;
      const target = canonicalName(ctx.params.username ?? "");
      const moderators = look.settings.moderators.filter((m) =>
        canonicalName(m) !== target
      );
      if (moderators.length === look.settings.moderators.length) {
        return json({ error: "not a moderator" }, 404);
      }
      await access.rooms.update(room, { moderators });
      await access.rooms.audit(room, {
        action: "moderator_remove",
        by: asker.identity?.username ?? "",
        target: ctx.params.username ?? "",
        ts: Date.now(),
      });
      access.control(room, { action: "settings" });
      return new Response(null, { status: 204 });
    },
  ),
};
