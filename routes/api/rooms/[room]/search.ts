import type { AppState } from "../../../../lib/app_state.ts";
import type { Handlers } from "../../../../lib/framework/types.ts";
import {
  DEFAULT_SEARCH_RESULTS,
  MAX_QUERY_LENGTH,
  MAX_SEARCH_RESULTS,
} from "../../../../lib/protocol/limits.ts";
import { json } from "../../../../lib/http/json.ts";
import { limitParam, roomRoute } from "../../../../lib/http/room_routes.ts";

function bad(error: string): Response {
  return Response.json({ error }, { status: 400 });
}

/** `?q={words}&limit={n}`: messages holding every word, newest first; the room's history access. */
export const handler: Handlers<unknown, AppState> = {
  GET: roomRoute(
    { action: "search", nameReason: true },
    async (_req, ctx, { room }) => {
      const limit = limitParam(ctx.url, {
        fallback: DEFAULT_SEARCH_RESULTS,
        max: MAX_SEARCH_RESULTS,
      });
      if (limit instanceof Response) return limit;
      const query = ctx.url.searchParams.get("q");
      if (query === null) return bad("q (the words to find) is missing");
      if (query.length > MAX_QUERY_LENGTH) {
        return bad(`q has at most ${MAX_QUERY_LENGTH} characters`);
      }
      const messages = await ctx.state.chat.search(room, { query, limit });
      return json({ messages });
    },
  ),
};
