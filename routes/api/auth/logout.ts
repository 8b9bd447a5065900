import type { AppState } from "../../../lib/app_state.ts";
import type { Handlers } from "../../../lib/framework/types.ts";

/** `POST /api/auth/logout` (docs/protocol.md, "Accounts over HTTP"). */
export const handler: Handlers<unknown, AppState> = {
  POST: (req, ctx) => ctx.state.auth.logout(req, ctx.info),
};
