import type { AppState } from "../../../lib/app_state.ts";
import type { Handlers } from "../../../lib/framework/types.ts";

/** The rooms with people online. */
export const handler: Handlers<unknown, AppState> = {
  async GET(_req, ctx) {
    return Response.json({ rooms: await ctx.state.chat.rooms() }, {
      headers: { "cache-control": "no-store" },
    });
  },
};
