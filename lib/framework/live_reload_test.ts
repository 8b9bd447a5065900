import assert from "node:assert/strict";
import { BOOT_ID, liveReload, RELOAD_SCRIPT } from "./live_reload.ts";
import { runMiddleware } from "./middleware.ts";

const info = {
  remoteAddr: { transport: "tcp", hostname: "127.0.0.1", port: 1 },
  completed: Promise.resolve(),
} as unknown as Deno.ServeHandlerInfo;

function app(req: Request): Response {
  if (new URL(req.url).pathname === "/data.json") {
    return Response.json({ ok: true });
  }
  return new Response("<!DOCTYPE html><html><body><p>hi</p></body></html>", {
    headers: {
      "content-type": "text/html; charset=utf-8",
      "content-security-policy": "script-src 'self'",
    },
  });
}

function withLiveReload(
  endpoint: (req: Request) => Response,
  options: { bootId: string },
): (req: Request, info: Deno.ServeHandlerInfo) => Promise<Response> {
  const step = liveReload(options);
  return (req, info) =>
    runMiddleware([step], {
      ctx: {
        req,
        url: new URL(req.url),
        info,
        params: {},
        state: {},
        upgrade: () => {
          throw new Error("no upgrade here");
        },
      },
      endpoint: () => Promise.resolve(endpoint(req)),
    });
}

Deno.test("live reload: pages get the reload module; other responses are untouched", async () => {
  const handler = withLiveReload(app, { bootId: "boot-1" });
  const page = await handler(new Request("http://x/"), info);
  const html = await page.text();
  assert.match(
    html,
    new RegExp(`<script type="module" src="${RELOAD_SCRIPT}"></script></body>`),
  );
  assert.equal(
    page.headers.get("content-security-policy"),
    "script-src 'self'",
  );
  const json = await handler(new Request("http://x/data.json"), info);
  assert.deepEqual(await json.json(), { ok: true });
  const boot = await handler(new Request(`http://x${BOOT_ID}`), info);
  assert.equal(await boot.text(), "boot-1");
  const script = await handler(new Request(`http://x${RELOAD_SCRIPT}`), info);
  assert.match(script.headers.get("content-type") ?? "", /javascript/);
  assert.match(await script.text(), /location\.reload\(\)/);
});
