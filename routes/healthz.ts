import type { AppState } from "../lib/app_state.ts";
import type { Handlers } from "../lib/framework/types.ts";

/** `200 {"ok":true}` while the store answers, `503` otherwise. */
export const handler: Handlers<unknown, AppState> = {
  async GET(_req, ctx) {
    const ok = await ctx.state.chat.healthy();
    return Response.json({ ok }, {
      status: ok ? 200 : 503,
      headers: { "cache-control": "no-store" },
    });
  },
};
