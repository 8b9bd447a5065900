import type { AppState } from "../../../../lib/app_state.ts";
import type { Handlers } from "../../../../lib/framework/types.ts";
import {
  DEFAULT_HISTORY_PAGE,
  MAX_HISTORY_PAGE,
} from "../../../../lib/protocol/limits.ts";
import { json } from "../../../../lib/http/json.ts";
import { limitParam, roomRoute } from "../../../../lib/http/room_routes.ts";

/** Older history: `?before={id}&limit={n}` (`n` in plain decimal digits), oldest first. */
export const handler: Handlers<unknown, AppState> = {
  GET: roomRoute(
    { action: "history", nameReason: true },
    async (_req, ctx, { room }) => {
      const limit = limitParam(ctx.url, {
        fallback: DEFAULT_HISTORY_PAGE,
        max: MAX_HISTORY_PAGE,
      });
      if (limit instanceof Response) return limit;
      const before = ctx.url.searchParams.get("before") ?? undefined;
      const messages = await ctx.state.chat.history(room, { before, limit });
      return json({ messages });
    },
  ),
};
