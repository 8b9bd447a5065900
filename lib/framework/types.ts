import type { ComponentChildren, ComponentType } from "preact";

/** Per-request context handed to handlers, as in Fresh (`FreshContext`). */
export interface RouteContext<Data = unknown, State = Record<string, unknown>> {
  /** Values of the `[name]` segments, already percent-decoded. */
  params: Record<string, string>;
  /** Application state shared by every request (services, settings). */
  state: State;
  url: URL;
  /** Connection info from `Deno.serve`. */
  info: Deno.ServeHandlerInfo;
  /** Renders the route's page component (inside `_app.tsx`) with `data`. */
  render(data?: Data, init?: ResponseInit): Response | Promise<Response>;
  /** Renders the `_404.tsx` page with status 404. */
  renderNotFound(): Response | Promise<Response>;
  /** Upgrades this request to a WebSocket (`Deno.upgradeWebSocket`); throws when it is not a valid upgrade. */
  upgrade(options?: Deno.UpgradeWebSocketOptions): Deno.WebSocketUpgrade;
}

/** What a middleware sees of one request; `state` is this request's own shallow copy of the app state. */
export interface MiddlewareContext<State = Record<string, unknown>> {
  req: Request;
  url: URL;
  /** Connection info from `Deno.serve`. */
  info: Deno.ServeHandlerInfo;
  /** Params of the route that matched, or none (assets, 404). */
  params: Record<string, string>;
  /** Per request: what a middleware sets here, later middleware and the route read. */
  state: State;
  /** Upgrades this request to a WebSocket (`Deno.upgradeWebSocket`); throws when it is not a valid upgrade. */
  upgrade(options?: Deno.UpgradeWebSocketOptions): Deno.WebSocketUpgrade;
}

/** One step of the pipeline: answer itself, or call `next()` for the rest (and may change what comes back). */
export type Middleware<State = Record<string, unknown>> = (
  ctx: MiddlewareContext<State>,
  next: () => Promise<Response>,
) => Response | Promise<Response>;

/** A handler for one HTTP method. */
export type Handler<Data = unknown, State = Record<string, unknown>> = (
  req: Request,
  ctx: RouteContext<Data, State>,
) => Response | Promise<Response>;

/** A route's `export const handler`: one function for every method, or one per method. */
export type Handlers<Data = unknown, State = Record<string, unknown>> =
  | Handler<Data, State>
  | Partial<
    Record<
      "GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS",
      Handler<Data, State>
    >
  >;

/** Props of a page component (the default export of a route). */
export interface PageProps<Data = unknown, State = Record<string, unknown>> {
  data: Data;
  params: Record<string, string>;
  url: URL;
  state: State;
}

/** Props of `routes/_app.tsx`. */
export interface AppProps<State = Record<string, unknown>> {
  Component: ComponentType<Record<string, never>>;
  url: URL;
  state: State;
  children?: ComponentChildren;
}

/** One route module as the manifest holds it. */
export interface RouteModule {
  /** A route's handlers; in a `_middleware.ts`, one middleware or a list, run in order. */
  // deno-lint-ignore no-explicit-any
  handler?: Handlers<any, any> | Middleware<any> | Middleware<any>[];
  /** The page; for `_app.tsx`, the app component. */
  default?:
    // deno-lint-ignore no-explicit-any
    | ComponentType<PageProps<any, any>>
    // deno-lint-ignore no-explicit-any
    | ComponentType<AppProps<any>>;
  /** The canonical path for these params, if it differs from the requested one: a trailing-slash redirect goes there in one hop. */
  canonicalPath?: (params: Record<string, string>) => string | null;
}

/** One island module: its default export is the island component. */
export interface IslandModule {
  // deno-lint-ignore no-explicit-any
  default: ComponentType<any>;
}

/** The generated `manifest.gen.ts`: every route and island, keyed by path from the project root. */
export interface Manifest {
  routes: Record<string, RouteModule>;
  islands: Record<string, IslandModule>;
  baseUrl: string;
}

/** One built asset served from memory (island bundles, static files). */
export interface Asset {
  body: Uint8Array | string;
  contentType: string;
  /** Strong ETag, quoted. */
  etag: string;
  /** True for content-hashed names that may be cached for a year. */
  immutable: boolean;
}

/** The generated `_build/assets.gen.ts`: what the build produced. */
export interface BuildOutput {
  /** URL path (e.g. `/_islands/boot-3F2A.js`) to asset. */
  assets: Record<string, Asset>;
  /** Island key (as in the manifest) to the URL of its browser module. */
  islands: Record<string, string>;
  /** URL of the module that hydrates islands. */
  boot: string;
  /** URL of the framework's stylesheet for island markers (`island-root { display: contents }`), linked by pages with islands. */
  css?: string;
}
