import type { AppState } from "../../../../lib/app_state.ts";
import type { Handlers } from "../../../../lib/framework/types.ts";
import {
  isWebSocketUpgrade,
  refusalResponse,
} from "../../../../lib/http/socket_guards.ts";
import { roomRoute } from "../../../../lib/http/room_routes.ts";
import { releaseUpgradeRequest } from "../../../../lib/http/upgrade_release.ts";

/**
 * The WebSocket of one room. Invalid names, and private rooms the request
 * itself (session cookie, `?token=`) does not open, are refused before any
 * upgrade, with the same 404. Origin and connection caps are checked by
 * `_middleware.ts`, which holds the socket's place in `ctx.state.ticket`.
 */
export const handler: Handlers<unknown, AppState> = {
  GET: roomRoute({ action: "page", hiddenOnly: true }, (req, ctx, allowed) => {
    const { room, asker } = allowed;
    if (!isWebSocketUpgrade(req)) {
      return Response.json({ error: "expected a WebSocket upgrade" }, {
        status: 426,
        headers: { upgrade: "websocket" },
      });
    }
    const { chat, ticket } = ctx.state;
    if (!ticket) throw new Error("no socket ticket: _middleware.ts missing");
    let upgraded;
    try {
      upgraded = ctx.upgrade({ idleTimeout: chat.socketIdleTimeout() });
    } catch (error) {
      chat.refuse("bad_upgrade", { reason: String(error) });
      return refusalResponse("bad_upgrade");
    }
    releaseUpgradeRequest(upgraded.socket);
    chat.open(upgraded.socket, {
      room,
      ticket,
      identity: asker.identity,
      urlToken: ctx.url.searchParams.get("token") ?? undefined,
    });
    return upgraded.response;
  }),
};
