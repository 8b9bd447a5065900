import type { AppState } from "../../../../lib/app_state.ts";
import { parseRoom } from "../../../../lib/chat/names.ts";
import type { Handlers } from "../../../../lib/framework/types.ts";

/** The WebSocket of one room; invalid names are refused before any upgrade. */
export const handler: Handlers<unknown, AppState> = {
  GET(req, ctx) {
    const room = parseRoom(ctx.params.room);
    if (!room.ok) {
      return Response.json({ error: "no such room", reason: room.reason }, {
        status: 404,
      });
    }
    return ctx.state.chat.connect(req, {
      room: room.canonical,
      info: ctx.info,
    });
  },
};
