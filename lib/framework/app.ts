import type { ComponentType } from "preact";
import { createRenderer, setHtmlHeaders } from "./render.ts";
import { createRouter } from "./router.ts";
import type {
  Asset,
  BuildOutput,
  Handler,
  Manifest,
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
  /** `ctx.state` of every request. */
  state: State;
  /** Receives failed requests; defaults to one JSON line on stderr. */
  logger?: (record: ErrorRecord) => void;
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

/** Builds the request handler: built assets first, then routes, then the 404 page. */
export function createApp<State>(options: AppOptions<State>): ServeHandler {
  const { manifest, build, state } = options;
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

  const page = (component: Page, url: URL, status: number) =>
    new Response(
      render(component, { data: undefined, params: {}, url, state }),
      { status, headers: setHtmlHeaders(new Headers()) },
    );
  const notFound = (url: URL) =>
    notFoundPage ? page(notFoundPage, url, 404) : new Response(PLAIN_404, {
      status: 404,
      headers: setHtmlHeaders(new Headers()),
    });
  const serverError = (url: URL) => {
    if (errorPage) {
      try {
        return page(errorPage, url, 500);
      } catch {
        // fall through to the plain page
      }
    }
    return new Response(PLAIN_500, {
      status: 500,
      headers: setHtmlHeaders(new Headers()),
    });
  };

  const handle = async (
    req: Request,
    url: URL,
    info: Deno.ServeHandlerInfo,
  ): Promise<Response> => {
    const asset = build.assets[url.pathname];
    if (asset) return serveAsset(req, asset);
    const match = router.match(url.pathname);
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
      return notFound(url);
    }
    const mod = manifest.routes[match.route.file];
    const component = pageOf(mod);
    const ctx: RouteContext<unknown, State> = {
      params: match.params,
      state,
      url,
      info,
      render(data, init) {
        if (!component) {
          throw new Error(`${match.route.file} has no page component`);
        }
        const html = render(component, {
          data,
          params: match.params,
          url,
          state,
        });
        return new Response(html, {
          status: init?.status,
          statusText: init?.statusText,
          headers: setHtmlHeaders(new Headers(init?.headers)),
        });
      },
      renderNotFound: () => notFound(url),
    };
    if (typeof mod.handler === "function") return await mod.handler(req, ctx);
    const methods: Partial<Record<Method, Handler<unknown, State>>> =
      mod.handler ?? (component ? { GET: (_req, ctx) => ctx.render() } : {});
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
    return await handler(req, ctx);
  };

  return async (req, info) => {
    const url = requestUrl(req);
    if (!url) return finish(req, badRequest("Bad Request: malformed Host"));
    let res: Response;
    try {
      res = await handle(req, url, info);
    } catch (error) {
      log({
        level: "error",
        msg: "request failed",
        method: req.method,
        path: url.pathname,
        error: error instanceof Error ? error.message : String(error),
        stack: error instanceof Error ? error.stack : undefined,
      });
      res = serverError(url);
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
    headers: { "content-type": "text/plain; charset=utf-8" },
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
  try {
    decorate(res.headers);
  } catch {
    res = new Response(res.body, res);
    decorate(res.headers);
  }
  return res;
}

function decorate(headers: Headers): void {
  if (headers.get("content-type")?.startsWith("text/html")) {
    setHtmlHeaders(headers);
  } else if (!headers.has("x-content-type-options")) {
    headers.set("x-content-type-options", "nosniff");
  }
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
