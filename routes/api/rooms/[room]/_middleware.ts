import type { AppState } from "../../../../lib/app_state.ts";
import type { Middleware } from "../../../../lib/framework/types.ts";
import {
  socketAdmission,
  socketOrigin,
} from "../../../../lib/http/socket_guards.ts";

/** A room's WebSocket upgrade: foreign origins, then the connection caps, refused before it. */
export const handler: Middleware<AppState>[] = [socketOrigin, socketAdmission];
