/**
 * The middleware pipeline: `(ctx, next)` steps, Fresh's `_middleware.ts`
 * convention per folder of `routes/` (outer folders first).
 */
import { type Segment, splitPath, toSegments } from "./router.ts";
import type { Middleware, MiddlewareContext, RouteModule } from "./types.ts";

/** The middleware of one `_middleware.ts` and the folder it guards. */
export interface FolderMiddleware {
  /** Manifest key of the file, e.g. `./routes/api/_middleware.ts`. */
  file: string;
  /** The folder as segments: `[]` for `routes/` itself, which guards every request. */
  segments: Segment[];
  steps: Middleware<unknown>[];
}

const MIDDLEWARE_FILE =
  /^\.\/routes\/(?:(.*)\/)?_middleware\.(?:tsx|ts|jsx|js)$/;

/** True for a manifest key naming a `_middleware` file. */
export function isMiddlewareFile(file: string): boolean {
  return MIDDLEWARE_FILE.test(file);
}

/** Every `_middleware` module of the manifest's routes, outer folders first. */
export function collectMiddleware(
  routes: Record<string, RouteModule>,
): FolderMiddleware[] {
  const found: FolderMiddleware[] = [];
  for (const [file, mod] of Object.entries(routes)) {
    const match = MIDDLEWARE_FILE.exec(file);
    if (!match) continue;
    const handler = mod.handler;
    if (handler === undefined) continue;
    if (typeof handler !== "function" && !Array.isArray(handler)) {
      throw new Error(
        `${file}: handler must be a middleware or a list of them`,
      );
    }
    const folders = match[1] ? match[1].split("/") : [];
    found.push({
      file,
      segments: toSegments(folders),
      steps: (Array.isArray(handler) ? handler : [handler]) as Middleware<
        unknown
      >[],
    });
  }
  return found.sort((a, b) =>
    depth(a.file) - depth(b.file) || (a.file < b.file ? -1 : 1)
  );
}

/** The steps that guard `pathname`, outer folders first, in each file's order. */
export function middlewareFor<State>(
  folders: readonly FolderMiddleware[],
  pathname: string,
): Middleware<State>[] {
  const parts = splitPath(pathname) ??
    pathname.replace(/^\//, "").split("/");
  const steps: Middleware<State>[] = [];
  for (const folder of folders) {
    if (covers(folder.segments, parts)) {
      steps.push(...folder.steps as Middleware<State>[]);
    }
  }
  return steps;
}

/** Runs `steps` in order around `endpoint`; a step that answers without `next()` ends the request there. */
export function runMiddleware<State>(
  steps: readonly Middleware<State>[],
  options: {
    ctx: MiddlewareContext<State>;
    endpoint: () => Promise<Response>;
  },
): Promise<Response> {
  const { ctx, endpoint } = options;
  const run = async (index: number): Promise<Response> => {
    if (index === steps.length) return await endpoint();
    let called = false;
    return await steps[index](ctx, () => {
      if (called) throw new Error("next() called twice by one middleware");
      called = true;
      return run(index + 1);
    });
  };
  return run(0);
}

function depth(file: string): number {
  return file.split("/").length;
}

function covers(segments: readonly Segment[], parts: readonly string[]) {
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i];
    if (segment.kind === "rest") return true;
    const part = parts[i];
    if (part === undefined) return false;
    if (segment.kind === "static" && part !== segment.value) return false;
    if (segment.kind === "param" && part === "") return false;
  }
  return true;
}
