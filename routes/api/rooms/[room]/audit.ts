import type { AppState } from "../../../../lib/app_state.ts";
import type { Handlers } from "../../../../lib/framework/types.ts";
import { json } from "../../../../lib/http/json.ts";
import { roomRoute } from "../../../../lib/http/room_routes.ts";
import { DEFAULT_AUDIT_PAGE } from "../../../../lib/protocol/limits.ts";
import { MAX_AUDIT_ENTRIES } from "../../../../lib/rooms/room_store.ts";

/** The room's audit log, newest first, for the owner and moderators (`?limit=` up to 1000). */
export const handler: Handlers<unknown, AppState> = {
  GET: roomRoute({ action: "audit" }, async (_req, ctx, { room }) => {
    const raw = ctx.url.searchParams.get("limit");
    const limit = raw === null ? DEFAULT_AUDIT_PAGE : Number(raw);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_AUDIT_ENTRIES) {
      return json({
        error: `limit must be a whole number from 1 to ${MAX_AUDIT_ENTRIES}`,
      }, { status: 400 });
    }
    return json({
      entries: await ctx.state.access.rooms.auditLog(room, limit),
    });
  }),
};
