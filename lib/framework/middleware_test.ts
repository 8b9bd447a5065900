import assert from "node:assert/strict";
import {
  collectMiddleware,
  isMiddlewareFile,
  middlewareFor,
  runMiddleware,
} from "./middleware.ts";
import type { Middleware, MiddlewareContext, RouteModule } from "./types.ts";

type State = { trail: string[]; user?: string };

const info = {
  remoteAddr: { transport: "tcp", hostname: "127.0.0.1", port: 1 },
  completed: Promise.resolve(),
} as unknown as Deno.ServeHandlerInfo;

function context(path = "/"): MiddlewareContext<State> {
  const req = new Request(`http://x${path}`);
  return {
    req,
    url: new URL(req.url),
    info,
    params: {},
    state: { trail: [] },
    upgrade: () => {
      throw new Error("not an upgrade");
    },
  };
}

function named(name: string): Middleware<State> {
  return async (ctx, next) => {
    ctx.state.trail.push(`${name}>`);
    const res = await next();
    ctx.state.trail.push(`<${name}`);
    return res;
  };
}

const ok = () => Promise.resolve(new Response("endpoint"));

Deno.test("middleware: steps run in order around the endpoint, unwinding in reverse", async () => {
  const ctx = context();
  const res = await runMiddleware([named("a"), named("b")], {
    ctx,
    endpoint: () => {
      ctx.state.trail.push("endpoint");
      return ok();
    },
  });
  assert.equal(await res.text(), "endpoint");
  assert.deepEqual(ctx.state.trail, ["a>", "b>", "endpoint", "<b", "<a"]);
});

Deno.test("middleware: a step that answers itself ends the request there", async () => {
  const ctx = context();
  let reached = false;
  const refuse: Middleware<State> = () => new Response("no", { status: 403 });
  const res = await runMiddleware([named("a"), refuse, named("c")], {
    ctx,
    endpoint: () => {
      reached = true;
      return ok();
    },
  });
  assert.equal(res.status, 403);
  assert.equal(reached, false);
  assert.deepEqual(ctx.state.trail, ["a>", "<a"]);
});

Deno.test("middleware: ctx.state carries what an outer step set to later steps, and a step may replace the answer", async () => {
  const ctx = context();
  const signIn: Middleware<State> = (ctx, next) => {
    ctx.state.user = "ada";
    return next();
  };
  const tag: Middleware<State> = async (_ctx, next) => {
    const res = await next();
    return new Response(`${await res.text()}!`, res);
  };
  const res = await runMiddleware([signIn, tag], {
    ctx,
    endpoint: () => Promise.resolve(new Response(`hello ${ctx.state.user}`)),
  });
  assert.equal(await res.text(), "hello ada!");
});

Deno.test("middleware: next() twice is an error, and an endpoint's error reaches the steps", async () => {
  const twice: Middleware<State> = async (_ctx, next) => {
    await next();
    return next();
  };
  await assert.rejects(
    runMiddleware([twice], { ctx: context(), endpoint: ok }),
    /next\(\) called twice/,
  );
  const seen: unknown[] = [];
  const guard: Middleware<State> = async (_ctx, next) => {
    try {
      return await next();
    } catch (error) {
      seen.push(error);
      return new Response("caught", { status: 500 });
    }
  };
  const res = await runMiddleware([guard], {
    ctx: context(),
    endpoint: () => Promise.reject(new Error("boom")),
  });
  assert.equal(res.status, 500);
  assert.equal(seen.length, 1);
});

Deno.test("middleware: each _middleware file guards its folder and below, outer folders first", async () => {
  const step = (name: string): RouteModule => ({
    handler: named(name) as Middleware<unknown>,
  });
  const routes: Record<string, RouteModule> = {
    "./routes/api/rooms/[room]/_middleware.ts": step("room"),
    "./routes/api/_middleware.ts": {
      handler: [named("api1"), named("api2")] as Middleware<unknown>[],
    },
    "./routes/_middleware.ts": step("root"),
    "./routes/docs/[...path]/_middleware.ts": step("docs"),
    "./routes/index.tsx": {},
    "./routes/_app.tsx": {},
  };
  const folders = collectMiddleware(routes);
  assert.deepEqual(folders.map((f) => f.file), [
    "./routes/_middleware.ts",
    "./routes/api/_middleware.ts",
    "./routes/docs/[...path]/_middleware.ts",
    "./routes/api/rooms/[room]/_middleware.ts",
  ]);
  const names = (path: string) => {
    const ctx = context(path);
    const steps = middlewareFor<State>(folders, path);
    return runMiddleware(steps, { ctx, endpoint: ok }).then(() =>
      ctx.state.trail.filter((t) => t.endsWith(">")).map((t) => t.slice(0, -1))
    );
  };
  await Promise.all([
    names("/").then((n) => assert.deepEqual(n, ["root"])),
    names("/apix").then((n) => assert.deepEqual(n, ["root"])),
    names("/api").then((n) => assert.deepEqual(n, ["root", "api1", "api2"])),
    names("/api/rooms").then((n) =>
      assert.deepEqual(n, ["root", "api1", "api2"])
    ),
    names("/api/rooms/lobby/ws").then((n) =>
      assert.deepEqual(n, ["root", "api1", "api2", "room"])
    ),
    names("/api/rooms/caf%C3%A9").then((n) =>
      assert.deepEqual(n, ["root", "api1", "api2", "room"])
    ),
    names("/docs/a/b").then((n) => assert.deepEqual(n, ["root", "docs"])),
  ]);
});

Deno.test("middleware: only _middleware files count, and a bad export is named", () => {
  assert.equal(isMiddlewareFile("./routes/_middleware.ts"), true);
  assert.equal(isMiddlewareFile("./routes/a/b/_middleware.tsx"), true);
  assert.equal(isMiddlewareFile("./routes/_app.tsx"), false);
  assert.equal(isMiddlewareFile("./routes/my_middleware.ts"), false);
  assert.throws(
    () =>
      collectMiddleware({
        "./routes/_middleware.ts": { handler: { GET: () => new Response() } },
      }),
    /_middleware\.ts: handler must be a middleware/,
  );
});
