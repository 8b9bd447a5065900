import type { AppState } from "../../../../lib/app_state.ts";
import type { Handlers } from "../../../../lib/framework/types.ts";
import { askerOf, refused, roomParam } from "../../../../lib/rooms/http.ts";

/**
 * The WebSocket of one room. Invalid names, and private rooms the request
 * itself (session cookie, `?token=`) does not open, are refused before any
 * upgrade, with the same 404.
 */
export const handler: Handlers<unknown, AppState> = {
  async GET(req, ctx) {
    const room = roomParam(ctx);
    if (!room) return refused("hidden");
    const asker = await askerOf(req, ctx, room);
    const { decision } = await ctx.state.access.may("page", room, asker);
    if (decision === "hidden") return refused("hidden");
    return ctx.state.chat.connect(req, {
      room,
      info: ctx.info,
      identity: asker.identity,
    });
  },
};
