import type { ComponentType } from "preact";
import {
  collectMiddleware,
  middlewareFor,
  runMiddleware,
} from "./middleware.ts";
import { createRenderer, setHtmlHeaders } from "./render.ts";
import { createRouter, type Match } from "./router.ts";
import type {
  Asset,
  BuildOutput,
  Handler,
  Handlers,
  Manifest,
  Middleware,
  MiddlewareContext,
  PageProps,
  RouteContext,
  RouteModule,
} from "./types.ts";

/** What the app logs when a request fails. */
export interface ErrorRecord {
  level: "error";
  msg: string;
  method: string;
  path: string;
  error: string;
  stack?: string;
}

/** Options of {@linkcode createApp}. */
export interface AppOptions<State> {
  /** The generated `manifest.gen.ts`. */
  manifest: Manifest;
  /** The generated `_build/assets.gen.ts`. */
  build: BuildOutput;
  /** The app state; each request gets its own shallow copy as `ctx.state` (so a plain object). */
  state: State;
  /** Middleware that runs before every `_middleware.ts` of `routes/`, in order (e.g. live reload in development). */
  middleware?: Middleware<State>[];
  /** Receives failed requests; defaults to one JSON line on stderr. */
  logger?: (record: ErrorRecord) => void;
  /** Answers a request whose handler or middleware threw (after it is logged), as Hono's `onError`; undefined leaves it to the 500 page. */
  onError?: (
    error: unknown,
    ctx: MiddlewareContext<State>,
  ) => Response | undefined | Promise<Response | undefined>;
}

/** A handler for `Deno.serve`. */
export type ServeHandler = (
  req: Request,
  info: Deno.ServeHandlerInfo,
) => Promise<Response>;

type Method = "GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS";
// deno-lint-ignore no-explicit-any
type Page = ComponentType<PageProps<any, any>>;

const IMMUTABLE = "public, max-age=31536000, immutable";
const PLAIN_404 = plainPage("404 Not Found");
const PLAIN_500 = plainPage("500 Internal Server Error");

/**
 * Builds the request handler: the app's middleware, then each `_middleware.ts`
 * that covers the path (outer folders first), then built assets, routes, or
 * the 404 page.
 */
export function createApp<State>(options: AppOptions<State>): ServeHandler {
  const { manifest, build } = options;
  const appSteps = options.middleware ?? [];
  const folders = collectMiddleware(manifest.routes);
  const log = options.logger ?? logJson;
  for (const key of Object.keys(manifest.islands)) {
    if (!build.islands[key]) {
      throw new Error(`island ${key} is not built: run \`deno task build\``);
    }
  }
  const router = createRouter(Object.keys(manifest.routes));
  const render = createRenderer({ manifest, build });
  const notFoundPage = pageOf(manifest.routes["./routes/_404.tsx"]);
  const errorPage = pageOf(manifest.routes["./routes/_500.tsx"]);

  const page = (
    component: Page,
    { url, state }: { url: URL; state: State },
    status: number,
  ) =>
    new Response(
      render(component, { data: undefined, params: {}, url, state }),
      { status, headers: setHtmlHeaders(new Headers()) },
    );
  const notFound = (at: { url: URL; state: State }) =>
    notFoundPage ? page(notFoundPage, at, 404) : new Response(PLAIN_404, {
      status: 404,
      headers: setHtmlHeaders(new Headers()),
    });
  const serverError = (at: { url: URL; state: State }) => {
    if (errorPage) {
      try {
        return page(errorPage, at, 500);
      } catch {
        // fall through to the plain page
      }
    }
    return new Response(PLAIN_500, {
      status: 500,
      headers: setHtmlHeaders(new Headers()),
    });
  };

  const failed = async (
    req: Request,
    ctx: MiddlewareContext<State>,
    error: unknown,
  ): Promise<Response> => {
    log({
      level: "error",
      msg: "request failed",
      method: req.method,
      path: ctx.url.pathname,
      error: error instanceof Error ? error.message : String(error),
      stack: error instanceof Error ? error.stack : undefined,
    });
    try {
      const answer = await options.onError?.(error, ctx);
      if (answer) return answer;
    } catch {
      // the 500 page, then
    }
    return serverError(ctx);
  };

  const endpoint = async (
    ctx: MiddlewareContext<State>,
    match: Match | null,
  ): Promise<Response> => {
    const { req, url } = ctx;
    const asset = build.assets[url.pathname];
    if (asset) return serveAsset(req, asset);
    if (!match) {
      const path = url.pathname;
      const slashless = path.slice(0, -1);
      const target = path.endsWith("/") && !slashless.startsWith("//") &&
          slashless
        ? router.match(slashless)
        : null;
      if (target) {
        const canonical = manifest.routes[target.route.file].canonicalPath?.(
          target.params,
        );
        return new Response(null, {
          status: 308,
          headers: { location: (canonical ?? slashless) + url.search },
        });
      }
      return notFound(ctx);
    }
    const mod = manifest.routes[match.route.file];
    const component = pageOf(mod);
    const routeCtx: RouteContext<unknown, State> = {
      params: match.params,
      state: ctx.state,
      url,
      info: ctx.info,
      upgrade: ctx.upgrade,
      render(data, init) {
        if (!component) {
          throw new Error(`${match.route.file} has no page component`);
        }
        const html = render(component, {
          data,
          params: match.params,
          url,
          state: ctx.state,
        });
        return new Response(html, {
          status: init?.status,
          statusText: init?.statusText,
          headers: setHtmlHeaders(new Headers(init?.headers)),
        });
      },
      renderNotFound: () => notFound(ctx),
    };
    const handlers = mod.handler as Handlers<unknown, State> | undefined;
    if (typeof handlers === "function") return await handlers(req, routeCtx);
    const methods: Partial<Record<Method, Handler<unknown, State>>> =
      handlers ?? (component ? { GET: (_req, ctx) => ctx.render() } : {});
    const method = req.method as Method;
    const handler = methods[method] ??
      (method === "HEAD" ? methods.GET : undefined);
    if (!handler) {
      const allow = Object.keys(methods);
      if (methods.GET && !methods.HEAD) allow.push("HEAD");
      return new Response("Method Not Allowed", {
        status: 405,
        headers: { allow: allow.join(", ") },
      });
    }
    return await handler(req, routeCtx);
  };

  return async (req, info) => {
    const url = requestUrl(req);
    if (!url) return finish(req, badRequest("Bad Request: malformed Host"));
    const match = router.match(url.pathname);
    const ctx: MiddlewareContext<State> = {
      req,
      url,
      info,
      params: match?.params ?? {},
      state: { ...options.state },
      upgrade: (upgradeOptions) => Deno.upgradeWebSocket(req, upgradeOptions),
    };
    const steps = [
      ...appSteps,
      ...middlewareFor<State>(folders, url.pathname),
    ];
    let res: Response;
    try {
      res = await runMiddleware(steps, {
        ctx,
        endpoint: async () => {
          try {
            return await endpoint(ctx, match);
          } catch (error) {
            return await failed(req, ctx, error);
          }
        },
      });
    } catch (error) {
      res = await failed(req, ctx, error);
    }
    return finish(req, res);
  };
}

/**
 * The request's URL, or undefined when the `Host` header makes it invalid
 * (`Deno.serve` builds `req.url` from the header as sent, e.g. `a b`).
 */
export function requestUrl(req: Request): URL | undefined {
  try {
    return new URL(req.url);
  } catch {
    return undefined;
  }
}

function badRequest(text: string): Response {
  return new Response(text, {
    status: 400,
    headers: {
      "content-type": "text/plain; charset=utf-8",
      "x-content-type-options": "nosniff",
    },
  });
}

/** True when an `If-None-Match` header matches the ETag (weak comparison, as RFC 9110 asks). */
export function etagMatches(header: string | null, etag: string): boolean {
  if (!header) return false;
  const bare = etag.replace(/^W\//, "");
  return header.split(",").some((tag) => {
    const candidate = tag.trim();
    return candidate === "*" || candidate.replace(/^W\//, "") === bare;
  });
}

function serveAsset(req: Request, asset: Asset): Response {
  if (req.method !== "GET" && req.method !== "HEAD") {
    return new Response("Method Not Allowed", {
      status: 405,
      headers: { allow: "GET, HEAD" },
    });
  }
  const headers = new Headers({
    etag: asset.etag,
    "cache-control": asset.immutable ? IMMUTABLE : "no-cache",
  });
  if (etagMatches(req.headers.get("if-none-match"), asset.etag)) {
    return new Response(null, { status: 304, headers });
  }
  headers.set("content-type", asset.contentType);
  return new Response(
    req.method === "HEAD" ? null : asset.body as BodyInit,
    { headers },
  );
}

function finish(req: Request, res: Response): Response {
  if (res.status === 101) return res;
  if (req.method === "HEAD" && res.body) {
    res.body.cancel().catch(() => {});
    res = new Response(null, res);
  }
  return res;
}

function pageOf(mod: RouteModule | undefined): Page | undefined {
  return mod?.default as Page | undefined;
}

function plainPage(title: string): string {
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">` +
    `<title>${title}</title></head><body><h1>${title}</h1></body></html>`;
}

function logJson(record: ErrorRecord): void {
  console.error(JSON.stringify({ ts: new Date().toISOString(), ...record }));
}
