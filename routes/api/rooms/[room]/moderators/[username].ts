import type { AppState } from "../../../../../lib/app_state.ts";
import { canonicalName } from "../../../../../lib/protocol/names.ts";
import type { Handlers } from "../../../../../lib/framework/types.ts";
import { json } from "../../../../../lib/http/json.ts";
import { roomRoute } from "../../../../../lib/http/room_routes.ts";

/** `DELETE`: the owner takes an account's moderator role away. */
export const handler: Handlers<unknown, AppState> = {
  DELETE: roomRoute(
    { action: "settings" },
    async (_req, ctx, { room, look, audit }) => {
      const { access } = ctx.state;
      const target = canonicalName(ctx.params.username ?? "");
      const moderators = look.settings.moderators.filter((m) =>
        canonicalName(m) !== target
      );
      if (moderators.length === look.settings.moderators.length) {
        return json({ error: "not a moderator" }, { status: 404 });
      }
      await access.rooms.update(room, { moderators });
      await audit({
        action: "moderator_remove",
        target: ctx.params.username ?? "",
      });
      access.control(room, { action: "settings" });
      return new Response(null, { status: 204 });
    },
  ),
};
