/** Security headers on every response: the HTML ones on pages, `nosniff` on the rest. */
import { setHtmlHeaders } from "./render.ts";
import type { Middleware } from "./types.ts";

/** Middleware adding the security headers a response lacks (a 101 upgrade is left alone). */
export const securityHeaders: Middleware<unknown> = async (_ctx, next) => {
  let res = await next();
  if (res.status === 101) return res;
  try {
    decorate(res.headers);
  } catch {
    res = new Response(res.body, res);
    decorate(res.headers);
  }
  return res;
};

function decorate(headers: Headers): void {
  if (headers.get("content-type")?.startsWith("text/html")) {
    setHtmlHeaders(headers);
  } else if (!headers.has("x-content-type-options")) {
    headers.set("x-content-type-options", "nosniff");
  }
}
