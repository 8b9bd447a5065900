/** What the room routes share: who asks, the access check, how a refusal reads, bodies. */
import type { AppState } from "../app_state.ts";
import type { Handler, RouteContext } from "../framework/types.ts";
import { parseRoom } from "../protocol/names.ts";
import type { Asker, Look } from "../rooms/access.ts";
import type { Action, Decision } from "../rooms/permissions.ts";
import { readBoundedBody } from "./bounded_body.ts";
import { requestAddress } from "./client_address.ts";
import { json } from "./json.ts";
import { credentialsOf } from "./session_cookie.ts";

/** Largest JSON body of a room route. */
export const MAX_BODY_BYTES = 4096;

/**
 * The answer to a refusal. `hidden` reads exactly like a room that cannot
 * exist, so it says nothing about the room.
 */
export function refused(decision: Decision | "unauthorized"): Response {
  if (decision === "hidden") {
    return json({ error: "no such room" }, { status: 404 });
  }
  if (decision === "unauthorized") {
    return json({ error: "unauthorized" }, { status: 401 });
  }
  return json({ error: "forbidden" }, { status: 403 });
}

/** Who sent the request, for the room (cookie, `?token=`) and from where. */
export async function askerOf(
  req: Request,
  ctx: RouteContext<unknown, AppState>,
  options: { room?: string } = {},
): Promise<Asker> {
  return {
    identity: await ctx.state.people.whoIs(
      credentialsOf(req, ctx.url),
      options.room,
    ),
    address: requestAddress(req, ctx),
  };
}

/** A room route that passed its access check: the canonical room, who asks, and how the room sees them. */
export interface Allowed {
  room: string;
  asker: Asker;
  look: Look;
  /** Writes a line of the room's audit log, by the asker, stamped now. */
  audit(entry: { action: string; target: string }): Promise<void>;
}

/** Options of {@linkcode roomRoute}. */
export interface RoomRouteOptions {
  /** What the route does in the room, as the permission table names it. */
  action: Action;
  /** Answer an invalid room name with `{"error":"no such room","reason"}` (the history and search routes). */
  nameReason?: boolean;
  /** Refuse only a room the asker may not see; what it may do there is decided later (the WebSocket, per frame). */
  hiddenOnly?: boolean;
}

/**
 * A handler of `routes/api/rooms/[room]/…` behind its access check: an
 * invalid room name, and a room the asker may not `action` in, are refused
 * ({@linkcode refused}) before `handle` runs.
 */
export function roomRoute(
  options: RoomRouteOptions,
  handle: (
    req: Request,
    ctx: RouteContext<unknown, AppState>,
    allowed: Allowed,
  ) => Response | Promise<Response>,
): Handler<unknown, AppState> {
  return async (req, ctx) => {
    const parsed = parseRoom(ctx.params.room ?? "");
    if (!parsed.ok) {
      return options.nameReason
        ? Response.json({ error: "no such room", reason: parsed.reason }, {
          status: 404,
        })
        : refused("hidden");
    }
    const room = parsed.canonical;
    const asker = await askerOf(req, ctx, { room });
    const { access } = ctx.state;
    const { decision, look } = await access.may(options.action, room, asker);
    const allowed = options.hiddenOnly
      ? decision !== "hidden"
      : decision === "allow";
    if (!allowed) return refused(decision);
    const audit = (entry: { action: string; target: string }) =>
      access.rooms.audit(room, {
        ...entry,
        by: asker.identity?.username ?? "",
        ts: access.clock.now(),
      });
    return await handle(req, ctx, { room, asker, look, audit });
  };
}

/**
 * The `limit` query parameter of a listing: `fallback` when absent, else
 * plain decimal digits from 1 to `max`; a 400 Response otherwise.
 */
export function limitParam(
  url: URL,
  options: { fallback: number; max: number },
): number | Response {
  const raw = url.searchParams.get("limit");
  const limit = raw === null ? options.fallback : Number(raw);
  if (
    (raw !== null && !/^[0-9]{1,4}$/.test(raw)) || limit < 1 ||
    limit > options.max
  ) {
    return Response.json({
      error: `limit must be a whole number from 1 to ${options.max}`,
    }, { status: 400 });
  }
  return limit;
}

/** Reads a JSON object body of at most {@linkcode MAX_BODY_BYTES}; a Response (400/413) when it is not one. */
export async function readBody(
  req: Request,
): Promise<Record<string, unknown> | Response> {
  let bytes: Uint8Array | null;
  try {
    bytes = await readBoundedBody(req, MAX_BODY_BYTES);
  } catch {
    return json({ error: "unreadable body" }, { status: 400 });
  }
  if (bytes === null) return json({ error: "body too large" }, { status: 413 });
  const text = new TextDecoder().decode(bytes);
  if (new TextEncoder().encode(text).length > MAX_BODY_BYTES) {
    return json({ error: "body too large" }, { status: 413 });
  }
  if (text.trim() === "") return {};
  try {
    const value = JSON.parse(text);
    if (typeof value === "object" && value !== null && !Array.isArray(value)) {
      return value;
    }
  } catch {
    // answered below
  }
  return json({ error: "the body must be a JSON object" }, { status: 400 });
}
