/**
 * The WebSocket upgrade's middleware: a foreign origin and the connection
 * caps are refused before any upgrade, and the chat's refusals become HTTP.
 */
import type { AppState } from "../app_state.ts";
import type { Refusal } from "../chat/limits.ts";
import type { Middleware } from "../framework/types.ts";
import { requestAddress } from "./client_address.ts";
import { sameOrAllowedOrigin } from "./csrf.ts";

/** Seconds a client is told to wait (`Retry-After`) when the server refuses with 503. */
export const RETRY_AFTER_SECONDS = 5;

const ANSWERS: Record<Refusal, { status: number; message: string }> = {
  origin: { status: 403, message: "origin not allowed" },
  shutting_down: { status: 503, message: "shutting down" },
  server_full: { status: 503, message: "too many connections on this server" },
  address_full: {
    status: 429,
    message: "too many connections from your address",
  },
  bad_upgrade: { status: 400, message: "not a valid WebSocket upgrade" },
};

/** True when the request asks for a WebSocket upgrade. */
export function isWebSocketUpgrade(req: Request): boolean {
  return req.headers.get("upgrade")?.toLowerCase() === "websocket";
}

/** The HTTP answer to a refused socket: 403, 503 (with `Retry-After`), 429 or 400. */
export function refusalResponse(refusal: Refusal): Response {
  const { status, message } = ANSWERS[refusal];
  return Response.json({ error: message }, {
    status,
    headers: status === 503
      ? { "retry-after": String(RETRY_AFTER_SECONDS) }
      : {},
  });
}

/** Refuses an upgrade whose `Origin` is neither the server's own nor allowed (no `Origin`: not a browser, let through). */
export const socketOrigin: Middleware<AppState> = (ctx, next) => {
  const origin = ctx.req.headers.get("origin");
  if (
    !isWebSocketUpgrade(ctx.req) || origin === null ||
    sameOrAllowedOrigin(ctx.req, { origin, allowed: ctx.state.allowedOrigins })
  ) {
    return next();
  }
  ctx.state.chat.refuse("origin", { origin });
  return refusalResponse("origin");
};

/**
 * Takes the upgrade's place under the connection caps into `ctx.state.ticket`
 * (503 or 429 when there is none) and gives it back unless the answer is the
 * upgrade itself; an open socket gives it back when it closes.
 */
export const socketAdmission: Middleware<AppState> = async (ctx, next) => {
  if (!isWebSocketUpgrade(ctx.req)) return await next();
  const { chat } = ctx.state;
  const admitted = chat.admit(requestAddress(ctx.req, ctx));
  if ("refusal" in admitted) return refusalResponse(admitted.refusal);
  const { ticket } = admitted;
  ctx.state.ticket = ticket;
  let res: Response | undefined;
  try {
    res = await next();
  } finally {
    if (res?.status !== 101) ticket.release();
  }
  return res;
};
