import type { AppState } from "../../../../../lib/app_state.ts";
import type { Handlers } from "../../../../../lib/framework/types.ts";

/** `POST /api/auth/passkey/register/options` (docs/protocol.md, "Passkeys"). */
export const handler: Handlers<unknown, AppState> = {
  POST: (req, ctx) => ctx.state.auth.passkeys.registerOptions(req, ctx.info),
};
