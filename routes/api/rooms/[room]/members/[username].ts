import type { AppState } from "../../../../../lib/app_state.ts";
import { canonicalName } from "../../../../../lib/protocol/names.ts";
import type { Handlers } from "../../../../../lib/framework/types.ts";
import { json } from "../../../../../lib/http/json.ts";
import { roomRoute } from "../../../../../lib/http/room_routes.ts";

/** `DELETE`: the owner or a moderator removes a member, who is disconnected at once. */
export const handler: Handlers<unknown, AppState> = {
  DELETE: roomRoute(
    { action: "remove" },
    async (_req, ctx, { room, audit }) => {
      const { access } = ctx.state;
      const target = canonicalName(ctx.params.username ?? "");
      const found = (await access.rooms.members(room)).filter((m) =>
        canonicalName(m.username) === target
      );
      if (found.length === 0) {
        return json({ error: "not a member" }, { status: 404 });
      }
      for (const member of found) {
        await access.rooms.removeMember(room, member.key);
      }
      await audit({ action: "remove", target: found[0].username });
      access.control(room, {
        action: "remove",
        username: target,
        keys: found.map((m) => m.key),
      });
      return new Response(null, { status: 204 });
    },
  ),
};
