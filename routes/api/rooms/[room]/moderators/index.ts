import type { AppState } from "../../../../../lib/app_state.ts";
import {
  canonicalName,
  parseUsername,
} from "../../../../../lib/protocol/names.ts";
import type { Handlers } from "../../../../../lib/framework/types.ts";
import { json } from "../../../../../lib/http/json.ts";
import { readBody, roomRoute } from "../../../../../lib/http/room_routes.ts";
import { MAX_MODERATORS } from "../../../../../lib/rooms/settings_input.ts";

/** `POST {"username"}`: the owner makes an account a moderator. */
export const handler: Handlers<unknown, AppState> = {
  POST: roomRoute(
    { action: "settings" },
    async (req, ctx, { room, look, audit }) => {
      const { access } = ctx.state;
      const body = await readBody(req);
      if (body instanceof Response) return body;
      const name = parseUsername(
        typeof body.username === "string" ? body.username : "",
      );
      if (!name.ok) return json({ error: "invalid_username" }, { status: 400 });
      const holder = await ctx.state.people.accounts.get(name.canonical);
      if (!holder) return json({ error: "no_such_account" }, { status: 404 });
      const moderators = look.settings.moderators.filter((m) =>
        canonicalName(m) !== name.canonical
      );
      if (moderators.length >= MAX_MODERATORS) {
        return json({ error: `at most ${MAX_MODERATORS} moderators` }, {
          status: 400,
        });
      }
      const settings = await access.rooms.update(room, {
        moderators: [...moderators, holder.username],
      });
      await audit({ action: "moderator_add", target: holder.username });
      access.control(room, { action: "settings" });
      return json({ moderators: settings?.moderators ?? [] }, { status: 201 });
    },
  ),
};
