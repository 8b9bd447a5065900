/**
 * Development only: pages reload themselves after the server restarts with
 * new code. Each page gets a small module that polls the server's boot id
 * and reloads when it changes; no inline script, so the CSP stays strict.
 */

import type { Middleware } from "./types.ts";

/** URL of the module pages load to follow restarts. */
export const RELOAD_SCRIPT = "/_dev/reload.js";
/** URL that answers this server process's boot id. */
export const BOOT_ID = "/_dev/boot";

const SCRIPT = `let seen;
async function poll() {
  try {
    const id = await (await fetch(${
  JSON.stringify(BOOT_ID)
}, { cache: "no-store" })).text();
    if (seen !== undefined && id !== seen) return location.reload();
    seen = id;
  } catch {
    // the server is restarting
  }
  setTimeout(poll, 1000);
}
poll();
`;

const TAG = `<script type="module" src="${RELOAD_SCRIPT}"></script>`;

/** Middleware making HTML pages reload after a restart (`bootId` differs per process). */
export function liveReload(
  options: { bootId?: string } = {},
): Middleware<unknown> {
  const bootId = options.bootId ?? crypto.randomUUID();
  return async (ctx, next) => {
    const { pathname } = ctx.url;
    if (pathname === RELOAD_SCRIPT) {
      return new Response(SCRIPT, {
        headers: {
          "content-type": "text/javascript; charset=utf-8",
          "cache-control": "no-store",
        },
      });
    }
    if (pathname === BOOT_ID) {
      return new Response(bootId, { headers: { "cache-control": "no-store" } });
    }
    const response = await next();
    const type = response.headers.get("content-type") ?? "";
    if (response.status === 101 || !type.startsWith("text/html")) {
      return response;
    }
    const html = await response.text();
    const at = html.lastIndexOf("</body>");
    const body = at < 0 ? html + TAG : html.slice(0, at) + TAG + html.slice(at);
    const headers = new Headers(response.headers);
    headers.delete("content-length");
    headers.delete("etag");
    return new Response(body, { status: response.status, headers });
  };
}
