import type { AppState } from "../lib/app_state.ts";
import type { Handlers } from "../lib/framework/types.ts";

/** Prometheus metrics of this server process. */
export const handler: Handlers<unknown, AppState> = {
  GET(_req, ctx) {
    return new Response(ctx.state.chat.metricsText(), {
      headers: {
        "content-type": "text/plain; version=0.0.4; charset=utf-8",
        "cache-control": "no-store",
      },
    });
  },
};
