/** Cross-site request forgery: state-changing requests from elsewhere are refused. */
import type { AppState } from "../app_state.ts";
import type { Middleware } from "../framework/types.ts";
import { hasSessionCookie } from "./session_cookie.ts";

const STATE_CHANGING = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** True when `origin` is the server's own (`http(s)://` + Host, exactly) or in `allowed`. */
export function sameOrAllowedOrigin(
  req: Request,
  options: { origin: string; allowed: readonly string[] },
): boolean {
  const host = req.headers.get("host");
  const { origin } = options;
  if (host && (origin === `http://${host}` || origin === `https://${host}`)) {
    return true;
  }
  return options.allowed.includes(origin);
}

/**
 * Why a request must be refused as cross-site, or undefined: a state-changing
 * method with a foreign `Origin`, or with no `Origin` but a session cookie
 * (a browser always sends `Origin` on such requests; a non-browser client
 * has no business sending our cookie without it).
 */
export function csrfProblem(
  req: Request,
  allowed: readonly string[],
): string | undefined {
  if (!STATE_CHANGING.has(req.method)) return undefined;
  const origin = req.headers.get("origin");
  if (origin === null) {
    return hasSessionCookie(req)
      ? "no Origin with a session cookie"
      : undefined;
  }
  return sameOrAllowedOrigin(req, { origin, allowed })
    ? undefined
    : "foreign Origin";
}

/** Middleware answering 403 to a cross-site state-changing request before any route runs. */
export const csrfGuard: Middleware<AppState> = (ctx, next) => {
  if (csrfProblem(ctx.req, ctx.state.allowedOrigins)) {
    return Response.json({ error: "forbidden" }, {
      status: 403,
      headers: { "x-content-type-options": "nosniff" },
    });
  }
  return next();
};
