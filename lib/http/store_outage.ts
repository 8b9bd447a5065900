/** What a request that failed while the store is unreachable is answered. */
import { setHtmlHeaders } from "../framework/render.ts";
import { RETRY_AFTER_SECONDS } from "./socket_guards.ts";

const PAGE = '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">' +
  "<title>503 Service Unavailable</title></head><body>" +
  "<h1>503 Service Unavailable</h1><p>The chat's storage is unreachable; " +
  "try again in a moment.</p></body></html>";

/** 503 with `Retry-After`: JSON `{"error":"store unavailable, try later"}` under `/api/`, a plain page elsewhere. */
export function storeOutage(url: URL): Response {
  const headers = {
    "retry-after": String(RETRY_AFTER_SECONDS),
    "cache-control": "no-store",
  };
  return url.pathname.startsWith("/api/")
    ? Response.json({ error: "store unavailable, try later" }, {
      status: 503,
      headers,
    })
    : new Response(PAGE, {
      status: 503,
      headers: setHtmlHeaders(new Headers(headers)),
    });
}
