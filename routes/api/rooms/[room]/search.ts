import type { AppState } from "../../../../lib/app_state.ts";
import { parseRoom } from "../../../../lib/protocol/names.ts";
import type { Handlers } from "../../../../lib/framework/types.ts";
import {
  DEFAULT_SEARCH_RESULTS,
  MAX_QUERY_LENGTH,
  MAX_SEARCH_RESULTS,
} from "../../../../lib/protocol/limits.ts";
import { askerOf, limitParam, refused } from "../../../../lib/rooms/http.ts";

function bad(error: string): Response {
  return Response.json({ error }, { status: 400 });
}

/** `?q={words}&limit={n}`: messages holding every word, newest first; the room's history access. */
export const handler: Handlers<unknown, AppState> = {
  async GET(req, ctx) {
    const room = parseRoom(ctx.params.room);
    if (!room.ok) {
      return Response.json({ error: "no such room", reason: room.reason }, {
        status: 404,
      });
    }
    const { decision } = await ctx.state.access.may(
      "search",
      room.canonical,
      await askerOf(req, ctx, room.canonical),
    );
    if (decision !== "allow") return refused(decision);
    const limit = limitParam(ctx.url, {
      fallback: DEFAULT_SEARCH_RESULTS,
      max: MAX_SEARCH_RESULTS,
    });
    if (limit instanceof Response) return limit;
    const params = ctx.url.searchParams;
    const query = params.get("q");
    if (query === null) return bad("q (the words to find) is missing");
    if (query.length > MAX_QUERY_LENGTH) {
      return bad(`q has at most ${MAX_QUERY_LENGTH} characters`);
    }
    const messages = await ctx.state.chat.search(room.canonical, {
      query,
      limit,
    });
    return Response.json({ messages }, {
      headers: { "cache-control": "no-store" },
    });
  },
};
