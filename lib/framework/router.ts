/** One segment of a route pattern. */
export type Segment =
  | { kind: "static"; value: string }
  | { kind: "param"; name: string }
  | { kind: "rest"; name: string };

/** A route parsed from its file path. */
export interface Route {
  /** Manifest key, e.g. `./routes/chat/[room].tsx`. */
  file: string;
  /** Readable pattern, e.g. `/chat/:room` or `/docs/:path*`. */
  pattern: string;
  segments: Segment[];
}

/** A route that matched a pathname, with its decoded params. */
export interface Match {
  route: Route;
  params: Record<string, string>;
}

/** Routes sorted by precedence, and a matcher over them. */
export interface Router {
  routes: Route[];
  /** The first route that matches `pathname`, or null (also for malformed escapes). */
  match(pathname: string): Match | null;
}

const ROUTE_FILE = /^\.\/routes\/(.*)\.(?:tsx|ts|jsx|js)$/;
const RANK = { static: 0, param: 1, rest: 2 } as const;

/** Name of an island from its manifest key: `./islands/chat_room.tsx` → `chat_room`. */
export function islandName(key: string): string {
  return key.replace(/^\.\/islands\//, "").replace(/\.[jt]sx?$/, "");
}

/** True for files in `routes/` that are not routes: `_app`, `_404`, `_500`, anything starting with `_`. */
export function isSpecialFile(file: string): boolean {
  const base = file.slice(file.lastIndexOf("/") + 1);
  return base.startsWith("_");
}

/** Parses a manifest key such as `./routes/chat/[room].tsx`; null for special files. */
export function parseRoute(file: string): Route | null {
  const found = ROUTE_FILE.exec(file);
  if (!found || isSpecialFile(file)) return null;
  const parts = found[1].split("/");
  if (parts[parts.length - 1] === "index") parts.pop();
  const segments = toSegments(parts);
  const pattern = "/" +
    segments.map((s) =>
      s.kind === "static"
        ? s.value
        : s.kind === "param"
        ? `:${s.name}`
        : `:${s.name}*`
    ).join("/");
  return { file, pattern, segments };
}

/** Segments of the folder names of a path in `routes/`; route groups `(name)` add none. */
export function toSegments(parts: readonly string[]): Segment[] {
  const segments: Segment[] = [];
  for (const part of parts) {
    if (/^\(.+\)$/.test(part)) continue;
    const rest = /^\[\.\.\.(\w+)\]$/.exec(part);
    const param = /^\[(\w+)\]$/.exec(part);
    if (rest) segments.push({ kind: "rest", name: rest[1] });
    else if (param) segments.push({ kind: "param", name: param[1] });
    else segments.push({ kind: "static", value: part });
  }
  return segments;
}

/** Orders routes so that static segments win over params, and params over catch-alls. */
export function compareRoutes(a: Route, b: Route): number {
  const length = Math.max(a.segments.length, b.segments.length);
  for (let i = 0; i < length; i++) {
    const sa = a.segments[i];
    const sb = b.segments[i];
    if (!sa || !sb) {
      if (sa?.kind === "rest" || sb?.kind === "rest") {
        return sa?.kind === "rest" ? 1 : -1;
      }
      return sa ? 1 : -1;
    }
    const diff = RANK[sa.kind] - RANK[sb.kind];
    if (diff !== 0) return diff;
  }
  return a.file < b.file ? -1 : a.file > b.file ? 1 : 0;
}

/** Builds a router from manifest keys; special and non-route files are skipped. */
export function createRouter(files: Iterable<string>): Router {
  const routes: Route[] = [];
  for (const file of files) {
    const route = parseRoute(file);
    if (route) routes.push(route);
  }
  routes.sort(compareRoutes);
  return {
    routes,
    match(pathname) {
      const parts = splitPath(pathname);
      if (!parts) return null;
      for (const route of routes) {
        const params = matchSegments(route.segments, parts);
        if (params) return { route, params };
      }
      return null;
    },
  };
}

/** The decoded segments of a pathname, or null for a malformed escape. */
export function splitPath(pathname: string): string[] | null {
  const raw = pathname === "/" ? [] : pathname.replace(/^\//, "").split("/");
  const parts: string[] = [];
  for (const part of raw) {
    try {
      parts.push(decodeURIComponent(part));
    } catch {
      return null;
    }
  }
  return parts;
}

function matchSegments(
  segments: Segment[],
  parts: string[],
): Record<string, string> | null {
  const params: Record<string, string> = {};
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i];
    if (segment.kind === "rest") {
      params[segment.name] = parts.slice(i).join("/");
      return params;
    }
    const part = parts[i];
    if (part === undefined) return null;
    if (segment.kind === "static") {
      if (part !== segment.value) return null;
    } else {
      if (part === "") return null;
      params[segment.name] = part;
    }
  }
  return parts.length === segments.length ? params : null;
}
