import type { AppState } from "../../../../lib/app_state.ts";
import type { Handlers } from "../../../../lib/framework/types.ts";
import { json } from "../../../../lib/http/json.ts";
import { readBody, roomRoute } from "../../../../lib/http/room_routes.ts";
import {
  newInviteCode,
  parseInviteRequest,
} from "../../../../lib/rooms/settings_input.ts";

/** `POST {"maxUses"?, "expiresInS"?}`: the owner or a moderator makes an invite link. */
export const handler: Handlers<unknown, AppState> = {
  POST: roomRoute(
    { action: "invites" },
    async (req, ctx, { room, asker, audit }) => {
      const { access } = ctx.state;
      const body = await readBody(req);
      if (body instanceof Response) return body;
      const wanted = parseInviteRequest(body);
      if (!wanted.ok) return json({ error: wanted.error }, { status: 400 });
      const code = newInviteCode();
      const expiresAt = access.clock.now() + wanted.value.expiresInS * 1000;
      await access.rooms.createInvite({
        code,
        room,
        by: asker.identity?.username ?? "",
        expiresAt,
        maxUses: wanted.value.maxUses,
        uses: 0,
      });
      await audit({ action: "invite", target: `${wanted.value.maxUses} uses` });
      return json({
        url: `/invite/${code}`,
        expiresAt,
        maxUses: wanted.value.maxUses,
      }, { status: 201 });
    },
  ),
};
