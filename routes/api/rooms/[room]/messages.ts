import type { AppState } from "../../../../lib/app_state.ts";
import { parseRoom } from "../../../../lib/protocol/names.ts";
import type { Handlers } from "../../../../lib/framework/types.ts";
import {
  DEFAULT_HISTORY_PAGE,
  MAX_HISTORY_PAGE,
} from "../../../../lib/protocol/limits.ts";
import { askerOf, limitParam, refused } from "../../../../lib/rooms/http.ts";

/** Older history: `?before={id}&limit={n}` (`n` in plain decimal digits), oldest first. */
export const handler: Handlers<unknown, AppState> = {
  async GET(req, ctx) {
    const room = parseRoom(ctx.params.room);
    if (!room.ok) {
      return Response.json({ error: "no such room", reason: room.reason }, {
        status: 404,
      });
    }
    const { decision } = await ctx.state.access.may(
      "history",
      room.canonical,
      await askerOf(req, ctx, room.canonical),
    );
    if (decision !== "allow") return refused(decision);
    const limit = limitParam(ctx.url, {
      fallback: DEFAULT_HISTORY_PAGE,
      max: MAX_HISTORY_PAGE,
    });
    if (limit instanceof Response) return limit;
    const before = ctx.url.searchParams.get("before") ?? undefined;
    const messages = await ctx.state.chat.history(room.canonical, {
      before,
      limit,
    });
    return Response.json({ messages }, {
      headers: { "cache-control": "no-store" },
    });
  },
};
