import type { AppState } from "../../../lib/app_state.ts";
import type { Handlers } from "../../../lib/framework/types.ts";

/** `GET /api/auth/me`: the signed-in account, or 401. */
export const handler: Handlers<unknown, AppState> = {
  GET: (req, ctx) => ctx.state.auth.me(req, ctx.info),
};
