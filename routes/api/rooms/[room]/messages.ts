import type { AppState } from "../../../../lib/app_state.ts";
import { parseRoom } from "../../../../lib/protocol/names.ts";
import type { Handlers } from "../../../../lib/framework/types.ts";
import {
  DEFAULT_HISTORY_PAGE,
  MAX_HISTORY_PAGE,
} from "../../../../lib/protocol/limits.ts";
import { askerOf, refused } from "../../../../lib/rooms/http.ts";

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
    const rawLimit = ctx.url.searchParams.get("limit");
    const limit = rawLimit === null ? DEFAULT_HISTORY_PAGE : Number(rawLimit);
    if (
      (rawLimit !== null && !/^[0-9]{1,4}$/.test(rawLimit)) || limit < 1 ||
      limit > MAX_HISTORY_PAGE
    ) {
      return Response.json({
        error: `limit must be a whole number from 1 to ${MAX_HISTORY_PAGE}`,
      }, { status: 400 });
    }
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
