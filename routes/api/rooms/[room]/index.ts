import type { AppState } from "../../../../lib/app_state.ts";
import type { Handlers } from "../../../../lib/framework/types.ts";
import { json } from "../../../../lib/http/json.ts";
import {
  readBody,
  refused,
  roomRoute,
} from "../../../../lib/http/room_routes.ts";
import type { RoomSettings } from "../../../../lib/rooms/room_store.ts";
import { parsePatch } from "../../../../lib/rooms/settings_input.ts";

/** The public face of a room's settings. */
export function describe(settings: RoomSettings) {
  return {
    room: settings.room,
    visibility: settings.visibility,
    owner: settings.owner,
    topic: settings.topic,
    moderators: settings.moderators,
    guests: settings.guests,
    slowModeS: settings.slowModeS,
  };
}

/** A room's settings: read by anyone who may see the room, changed by its owner. */
export const handler: Handlers<unknown, AppState> = {
  GET: roomRoute(
    { action: "metadata" },
    (_req, _ctx, { look }) => json(describe(look.settings)),
  ),
  PATCH: roomRoute({ action: "settings" }, async (req, ctx, { room }) => {
    const { access } = ctx.state;
    const body = await readBody(req);
    if (body instanceof Response) return body;
    const patch = parsePatch(body);
    if (!patch.ok) return json({ error: patch.error }, { status: 400 });
    const settings = await access.rooms.update(room, patch.value);
    if (!settings) return refused("forbidden");
    access.control(room, { action: "settings" });
    return json(describe(settings));
  }),
};
