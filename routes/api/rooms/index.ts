import type { AppState } from "../../../lib/app_state.ts";
import { parseRoom } from "../../../lib/protocol/names.ts";
import type { Handlers } from "../../../lib/framework/types.ts";
import { accountOf } from "../../../lib/rooms/identity.ts";
import { json } from "../../../lib/http/json.ts";
import { askerOf, readBody, refused } from "../../../lib/http/room_routes.ts";
import { visibleRooms } from "../../../lib/rooms/listing.ts";
import { defaultSettings } from "../../../lib/rooms/room_store.ts";
import {
  parseTopic,
  parseVisibility,
} from "../../../lib/rooms/settings_input.ts";

/** The rooms with people online (private ones only for their members); `POST` creates a room. */
export const handler: Handlers<unknown, AppState> = {
  async GET(req, ctx) {
    const rooms = await visibleRooms(ctx.state.access, {
      rooms: await ctx.state.chat.rooms(),
      asker: await askerOf(req, ctx),
    });
    return json({ rooms });
  },
  async POST(req, ctx) {
    const asker = await askerOf(req, ctx);
    const owner = accountOf(asker.identity);
    if (!owner || !asker.identity?.username) return refused("unauthorized");
    const body = await readBody(req);
    if (body instanceof Response) return body;
    const room = parseRoom(typeof body.room === "string" ? body.room : "");
    if (!room.ok) {
      return json({ error: "invalid_room", reason: room.reason }, {
        status: 400,
      });
    }
    const visibility = parseVisibility(body.visibility);
    if (!visibility.ok) {
      return json({ error: visibility.error }, { status: 400 });
    }
    const topic = parseTopic(body.topic ?? "");
    if (!topic.ok) return json({ error: topic.error }, { status: 400 });
    const { access } = ctx.state;
    if (await access.messages.lastMessageAt(room.canonical) !== null) {
      return json({ error: "room_exists" }, { status: 409 });
    }
    const settings = {
      ...defaultSettings(room.canonical),
      owner: asker.identity.username,
      visibility: visibility.value,
      topic: topic.value,
      createdAt: access.clock.now(),
    };
    if (!(await access.rooms.create(settings))) {
      return json({ error: "room_exists" }, { status: 409 });
    }
    await access.rooms.audit(room.canonical, {
      action: "create",
      by: settings.owner,
      target: room.canonical,
      ts: settings.createdAt,
    });
    access.control(room.canonical, { action: "settings" });
    return json(settings, { status: 201 });
  },
};
