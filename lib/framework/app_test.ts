import assert from "node:assert/strict";
import { serveFixture } from "../../tests/fixtures/framework/serve_fixture.ts";
import { etagMatches } from "./app.ts";
import { CONTENT_SECURITY_POLICY } from "./render.ts";

const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self' ws: wss:; base-uri 'none'; form-action 'self'; object-src 'none'; frame-ancestors 'none'";

function assertHtmlHeaders(res: Response) {
  assert.equal(res.headers.get("content-type"), "text/html; charset=utf-8");
  assert.equal(res.headers.get("content-security-policy"), CSP);
  assert.equal(res.headers.get("x-content-type-options"), "nosniff");
  assert.equal(
    res.headers.get("referrer-policy"),
    "strict-origin-when-cross-origin",
  );
}

Deno.test("etagMatches compares weakly and understands lists and *", () => {
  assert.ok(etagMatches('"abc"', '"abc"'));
  assert.ok(etagMatches('W/"abc"', '"abc"'));
  assert.ok(etagMatches('"x", W/"abc"', '"abc"'));
  assert.ok(etagMatches("*", '"abc"'));
  assert.ok(!etagMatches('"abcd"', '"abc"'));
  assert.ok(!etagMatches(null, '"abc"'));
  assert.equal(CONTENT_SECURITY_POLICY, CSP);
});

Deno.test("the app over real HTTP", async (t) => {
  const server = await serveFixture();
  const get = (path: string, init?: RequestInit) =>
    fetch(server.url + path, { redirect: "manual", ...init });
  try {
    await t.step("a page with an island: marker, props, scripts", async () => {
      const res = await get("/");
      assert.equal(res.status, 200);
      assertHtmlHeaders(res);
      const html = await res.text();
      assert.ok(html.startsWith('<!DOCTYPE html><html lang="en">'));
      assert.ok(html.includes("<title>Home</title>"));
      assert.ok(!html.includes("<title>Fixture</title>"));
      assert.ok(
        html.includes(
          '<island-root data-island="counter" data-props="0"><div class="counter"><span>Clicks</span><button type="button">3</button></div></island-root>',
        ),
      );
      const counter = server.build.islands["./islands/counter.tsx"];
      const greeting = server.build.islands["./islands/greeting.tsx"];
      assert.ok(
        html.includes(`<script type="module" src="${server.build.boot}">`),
      );
      assert.ok(html.includes(`<link rel="modulepreload" href="${counter}">`));
      assert.ok(!html.includes(greeting));
      assert.ok(
        html.includes(`<link rel="stylesheet" href="${server.build.css}">`),
      );
      const scripts = [...html.matchAll(/<script([^>]*)>/g)].map((m) => m[1]);
      assert.deepEqual(scripts, [
        ` type="module" src="${server.build.boot}"`,
        ' type="application/json" id="__island_props"',
      ]);
    });

    await t.step("a handler renders data; nasty input stays data", async () => {
      const res = await get("/hello/%3C%2Fscript%3E%3C!--%E2%80%A8");
      assert.equal(res.status, 200);
      assert.equal(res.headers.get("x-hello"), "1");
      assertHtmlHeaders(res);
      const html = await res.text();
      assert.ok(!html.includes("</script><!--"));
      const json = /id="__island_props">(.*?)<\/script>/.exec(html)?.[1] ?? "";
      assert.deepEqual(JSON.parse(json).props, [{
        name: "</script><!--\u2028",
      }]);
    });

    await t.step(
      "a page-only route renders on GET and HEAD, 405 otherwise",
      async () => {
        const page = await get("/about");
        assert.equal(page.status, 200);
        const html = await page.text();
        assert.ok(html.includes("<p>About this fixture</p>"));
        assert.ok(!html.includes("<script"), "no islands, no scripts");
        const head = await get("/about", { method: "HEAD" });
        assert.equal(head.status, 200);
        assertHtmlHeaders(head);
        assert.equal(await head.text(), "");
        const post = await get("/about", { method: "POST", body: "x" });
        assert.equal(post.status, 405);
        assert.equal(post.headers.get("allow"), "GET, HEAD");
        await post.body?.cancel();
      },
    );

    await t.step(
      "per-method handlers: HEAD falls back to GET, 405 with Allow",
      async () => {
        const json = await get("/api/echo");
        assert.deepEqual(await json.json(), { path: "/api/echo" });
        assert.equal(json.headers.get("x-content-type-options"), "nosniff");
        const head = await get("/api/echo", { method: "HEAD" });
        assert.equal(head.status, 200);
        assert.equal(head.headers.get("content-type"), "application/json");
        assert.equal(await head.text(), "");
        const post = await get("/api/echo", { method: "POST", body: "hi" });
        assert.equal(await post.text(), "hi");
        const del = await get("/api/echo", { method: "DELETE" });
        assert.equal(del.status, 405);
        assert.equal(del.headers.get("allow"), "GET, POST, HEAD");
        await del.body?.cancel();
      },
    );

    await t.step(
      "_middleware.ts per folder: outer first, state per request, short circuit",
      async () => {
        for (let i = 0; i < 2; i++) {
          const api = await get("/api/echo");
          assert.equal(api.headers.get("x-scopes"), "root,api");
          assert.deepEqual(await api.json(), { path: "/api/echo" });
        }
        const page = await get("/about");
        assert.equal(page.headers.get("x-scopes"), "root");
        await page.body?.cancel();
        const denied = await get("/api/echo?deny");
        assert.equal(denied.status, 403);
        assert.equal(await denied.text(), "denied");
        assert.equal(denied.headers.get("x-scopes"), "root,api");
        assert.equal(denied.headers.get("x-content-type-options"), "nosniff");
      },
    );

    await t.step(
      "a function handler gets every method and decoded params",
      async () => {
        const res = await get("/docs/a/caf%C3%A9", { method: "PUT" });
        assert.deepEqual(await res.json(), { path: "a/café" });
      },
    );

    await t.step(
      "no match, malformed escapes and renderNotFound are 404 pages",
      async () => {
        for (
          const path of [
            "/nope",
            "/hello/%E0%A4%A",
            "/hello/%zz",
            "/hello/nobody",
          ]
        ) {
          const res = await get(path);
          assert.equal(res.status, 404, path);
          assertHtmlHeaders(res);
          const html = await res.text();
          assert.ok(html.includes("<h1>Nothing here</h1>"), path);
          assert.ok(html.includes("<title>Fixture</title>"), "inside _app");
        }
      },
    );

    await t.step(
      "a thrown error is logged and answered with a bare 500",
      async () => {
        const before = server.logs.length;
        const res = await get("/hello/boom?q=%3Cb%3E");
        assert.equal(res.status, 500);
        assertHtmlHeaders(res);
        const html = await res.text();
        for (
          const leak of [
            "secret",
            "passwd",
            "boom",
            "<b>",
            "at ",
            ".tsx",
            "Error:",
          ]
        ) {
          assert.ok(!html.includes(leak), leak);
        }
        assert.equal(server.logs.length, before + 1);
        assert.equal(server.logs[before].error, "secret /etc/passwd");
        assert.equal(server.logs[before].path, "/hello/boom");
      },
    );

    await t.step(
      "onError answers the errors it knows (an outage: 503), after the log",
      async () => {
        const before = server.logs.length;
        const res = await get("/hello/outage");
        assert.equal(res.status, 503);
        assert.equal(res.headers.get("retry-after"), "5");
        assert.equal(await res.text(), "try later");
        assert.equal(server.logs.length, before + 1);
        assert.equal(server.logs[before].error, "store down");
      },
    );

    await t.step(
      "a trailing slash redirects (308) when the slashless path exists",
      async () => {
        const res = await get("/about/?a=1&b=%20");
        assert.equal(res.status, 308);
        assert.equal(
          res.headers.get("location"),
          "/about?a=1&b=%20",
        );
        await res.body?.cancel();
        const moved = await get("/go");
        assert.equal(moved.status, 308);
        assert.equal(moved.headers.get("location"), `${server.url}/about`);
        assert.equal(moved.headers.get("x-content-type-options"), "nosniff");
        await moved.body?.cancel();
        const evil = await get("//about/");
        assert.equal(evil.status, 404);
        await evil.body?.cancel();
        const missing = await get("/missing/");
        assert.equal(missing.status, 404);
        await missing.body?.cancel();
      },
    );

    await t.step("static files: type, ETag, 304, no-cache, HEAD", async () => {
      const res = await get("/styles.css");
      assert.equal(res.status, 200);
      assert.equal(res.headers.get("content-type"), "text/css; charset=utf-8");
      assert.equal(res.headers.get("cache-control"), "no-cache");
      assert.equal(res.headers.get("x-content-type-options"), "nosniff");
      const etag = res.headers.get("etag")!;
      assert.match(etag, /^(W\/)?"[0-9a-f]+"$/);
      assert.match(await res.text(), /font-family/);
      const again = await get("/styles.css", {
        headers: { "if-none-match": etag },
      });
      assert.equal(again.status, 304);
      assert.equal(await again.text(), "");
      const icon = await get("/favicon.ico");
      assert.equal(icon.headers.get("content-type"), "image/x-icon");
      assert.deepEqual(
        new Uint8Array(await icon.arrayBuffer()),
        server.build.assets["/favicon.ico"].body,
      );
      const head = await get("/styles.css", { method: "HEAD" });
      assert.equal(head.status, 200);
      assert.equal(head.headers.get("etag"), etag);
      assert.equal(await head.text(), "");
      const post = await get("/styles.css", { method: "POST" });
      assert.equal(post.status, 405);
      await post.body?.cancel();
    });

    await t.step("island bundles are immutable", async () => {
      const res = await get(server.build.boot);
      assert.equal(res.status, 200);
      assert.equal(
        res.headers.get("content-type"),
        "text/javascript; charset=utf-8",
      );
      assert.equal(
        res.headers.get("cache-control"),
        "public, max-age=31536000, immutable",
      );
      await res.body?.cancel();
    });
  } finally {
    await server.close();
  }
});
