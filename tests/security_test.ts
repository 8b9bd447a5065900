/**
 * Web security over real sockets: security headers on every HTML response,
 * hostile room paths, escaping of what people typed, and the origin check of
 * the WebSocket upgrade.
 */
import assert from "node:assert/strict";
import {
  rawRequest,
  type RawResponse,
  scrape,
  tryUpgrade,
  UPGRADE_HEADERS,
} from "./support/hostile.ts";
import { withApp } from "./support/app_server.ts";
import { connect, freshRoom } from "./support/ws_client.ts";

const ALLOWED = "https://app.example";

/** Fails unless `res` is HTML with the CSP, nosniff and Referrer-Policy of the protocol. */
function assertSecureHtml(res: RawResponse | Response, label: string): void {
  const headers = res.headers;
  assert.match(headers.get("content-type") ?? "", /^text\/html/, label);
  const csp = headers.get("content-security-policy");
  assert.ok(csp, `${label}: no Content-Security-Policy`);
  const directives = new Map(
    csp.split(";").map((d) => d.trim()).filter(Boolean).map((d) => {
      const [name, ...values] = d.split(/\s+/);
      return [name.toLowerCase(), values] as const;
    }),
  );
  const scripts = directives.get("script-src") ?? directives.get("default-src");
  assert.ok(scripts, `${label}: CSP restricts no scripts: ${csp}`);
  assert.ok(
    !scripts.includes("'unsafe-inline'") && !scripts.includes("*"),
    `${label}: script-src allows inline or any script: ${csp}`,
  );
  assert.deepEqual(directives.get("frame-ancestors"), ["'none'"], label);
  assert.equal(headers.get("x-content-type-options"), "nosniff", label);
  assert.ok(headers.get("referrer-policy"), `${label}: no Referrer-Policy`);
}

/** Every `<script>` of a page either loads a file or is inert JSON: nothing inline runs. */
function assertNoInlineScript(html: string, label: string): void {
  for (const [tag] of html.matchAll(/<script\b[^>]*>/gi)) {
    assert.ok(
      /\ssrc=/.test(tag) || /\stype="application\/json"/.test(tag),
      `${label}: inline executable script ${tag}`,
    );
  }
}

/** The text inside the island props element, up to the first `</script`. */
function propsText(html: string): string {
  const start = html.indexOf(
    '<script type="application/json" id="__island_props">',
  );
  assert.ok(start >= 0, "no island props element");
  const from = html.indexOf(">", start) + 1;
  return html.slice(from, html.indexOf("</script", from));
}

Deno.test({
  name:
    "security: every HTML response carries CSP, nosniff, frame-ancestors and Referrer-Policy",
  async fn() {
    await withApp({ ALLOWED_ORIGINS: ALLOWED }, async (server) => {
      const room = freshRoom();
      const pages = [
        { path: "/", status: 200 },
        { path: `/chat/${room}`, status: 200 },
        { path: "/?room=%3Cx%3E", status: 200 },
        { path: "/no/such/page", status: 404 },
        { path: "/chat/a%20b", status: 404 },
        { path: "/api/nothing", status: 404 },
      ];
      for (const { path, status } of pages) {
        const res = await rawRequest(server.port, { path });
        assert.equal(res.status, status, path);
        assertSecureHtml(res, path);
        assertNoInlineScript(res.body, path);
      }
      // JSON answers cannot be sniffed into HTML either.
      for (const path of ["/api/rooms", `/api/rooms/${room}/messages`]) {
        const res = await rawRequest(server.port, { path });
        assert.match(res.headers.get("content-type") ?? "", /json/, path);
        assert.equal(res.headers.get("x-content-type-options"), "nosniff");
      }
      // No route of this server fails on purpose, so a 500 page is not
      // triggered here; the framework's own tests cover its headers.
    });
  },
});

/** Hostile room segments, and strings from each that must never come back in a page. */
const HOSTILE_ROOMS: { segment: string; needles: string[] }[] = [
  { segment: "..", needles: [] },
  { segment: "%2e%2e", needles: ["%2e%2e"] },
  { segment: "%2E%2E%2F", needles: ["%2E%2E"] },
  { segment: "a%2fb", needles: ["a%2fb", "a/b"] },
  { segment: "%00", needles: ["%00", "\0"] },
  { segment: "%3Cscript%3E", needles: ["%3Cscript%3E", "<script>"] },
  { segment: "x".repeat(65), needles: ["x".repeat(65)] },
  { segment: "%E0%A4%A", needles: ["%E0%A4%A"] },
  { segment: "%C0%AE%C0%AE", needles: ["%C0%AE"] },
  { segment: "%252e%252e", needles: ["%252e", "%2e%2e"] },
  { segment: "..%2f..%2fetc%2fpasswd", needles: ["passwd"] },
  { segment: "%2e%2e%2f%2e%2e%2fetc%2fpasswd", needles: ["passwd"] },
  { segment: "a%20b", needles: ["a%20b", "a b"] },
  { segment: "zw%E2%80%8Bsp", needles: ["zw\u200bsp", "zw%E2%80%8Bsp"] },
  { segment: "%0d%0aSet-Cookie:%20x=1", needles: ["Set-Cookie", "x=1"] },
];

Deno.test({
  name:
    "security: hostile room paths get a 404 (or the home page for ..), never a 5xx or the input back",
  async fn() {
    await withApp({ ALLOWED_ORIGINS: ALLOWED }, async (server) => {
      const home = await rawRequest(server.port, { path: "/" });
      const homeTitle = /<title>[^<]*<\/title>/.exec(home.body)?.[0];
      assert.ok(homeTitle);
      for (const { segment, needles } of HOSTILE_ROOMS) {
        const path = `/chat/${segment}`;
        const res = await rawRequest(server.port, { path });
        assert.ok(res.status < 500, `${path}: ${res.status}`);
        if (res.status === 200) {
          // `..` and `%2e%2e` are dot segments: URL parsing makes them `/`.
          assert.ok(
            res.body.includes(homeTitle),
            `${path}: a 200 that is not the home page`,
          );
        } else if (res.status >= 300 && res.status < 400) {
          assert.equal(res.headers.get("location"), "/", path);
        } else {
          assert.equal(res.status, 404, path);
        }
        if (res.status !== 308) assertSecureHtml(res, path);
        assert.equal(res.headers.get("set-cookie"), null, path);
        for (const needle of needles) {
          assert.ok(!res.body.includes(needle), `${path}: body has ${needle}`);
        }
        for (const api of [`/api/rooms/${segment}/messages`]) {
          const answer = await rawRequest(server.port, { path: api });
          assert.ok(
            [400, 404].includes(answer.status),
            `${api}: ${answer.status}`,
          );
          for (const needle of needles) {
            assert.ok(!answer.body.includes(needle), `${api}: has ${needle}`);
          }
        }
        const upgrade = await tryUpgrade(
          server.port,
          `/api/rooms/${segment}/ws`,
        );
        upgrade.conn?.close();
        assert.ok(
          [400, 404].includes(upgrade.status),
          `/api/rooms/${segment}/ws: ${upgrade.status}`,
        );
      }
      const metrics = await scrape(server.url);
      assert.equal(metrics.get("chat_connections"), 0, "no socket was opened");
      assert.equal(metrics.get("chat_rooms"), 0, "no room was created");
    });
  },
});

const PAYLOADS = [
  "</script><script>alert(1)</script><!--",
  '"><img src=x onerror=alert(1)>',
  "line\u2028separator\u2029end & <b>bold</b>",
];

Deno.test({
  name:
    "security: what people type is escaped in the room page, its island props and the home form",
  async fn() {
    await withApp({ ALLOWED_ORIGINS: ALLOWED }, async (server) => {
      const room = freshRoom();
      const baseline = await (await fetch(`${server.url}/chat/${room}`)).text();
      const writer = await connect(server.url, `/api/rooms/${room}/ws`);
      assert.equal((await writer.join("mallory")).type, "welcome");
      for (const text of PAYLOADS) {
        writer.send({ type: "message", text });
        await writer.next((f) => f.type === "message" && f.text === text);
      }
      await writer.close();
      const res = await fetch(`${server.url}/chat/${room}`);
      const html = await res.text();
      assertSecureHtml(res, "room page");
      for (const text of PAYLOADS) {
        assert.ok(!html.includes(text), `raw payload in the page: ${text}`);
      }
      assert.ok(!html.includes("<img src=x"), "an injected img element");
      assert.ok(!html.includes("<b>bold"), "an injected b element");
      const count = (page: string, re: RegExp) => page.match(re)?.length ?? 0;
      assert.equal(
        count(html, /<script\b/gi),
        count(baseline, /<script\b/gi),
        "no script element added",
      );
      assert.equal(
        count(html, /<\/script>/gi),
        count(baseline, /<\/script>/gi),
      );
      assert.equal(count(html, /<img\b/gi), count(baseline, /<img\b/gi));
      // The visible list shows the texts as text.
      assert.ok(
        html.includes(
          "&lt;/script>&lt;script>alert(1)&lt;/script>&lt;!--",
        ) ||
          html.includes(
            "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;!--",
          ),
        "the first payload is not shown escaped",
      );
      assert.ok(
        html.includes("&lt;img src=x onerror=alert(1)"),
        "the second payload is not shown escaped",
      );
      // The props element ends where it should and holds the texts exactly.
      const props = propsText(html);
      assert.ok(!/[<>\u2028\u2029]/.test(props), "unescaped < > U+2028/9");
      const parsed = JSON.parse(props);
      const texts = parsed.props.flatMap((
        p: { history?: { text: string }[] },
      ) => p.history?.map((m) => m.text) ?? []);
      assert.deepEqual(texts, PAYLOADS);
      // The page title: only the canonical room name, as text.
      const title = /<title>([^<]*)<\/title>/.exec(html)?.[1];
      assert.equal(title, `#${room} · Chat`);
      const unicode = "Ünïcödé-Ωμέγα";
      const canonical = unicode.normalize("NFC").toLowerCase();
      const page = await fetch(
        `${server.url}/chat/${encodeURIComponent(canonical)}`,
      );
      assert.equal(page.status, 200);
      const unicodeTitle = /<title>([^<]*)<\/title>/.exec(await page.text());
      assert.equal(unicodeTitle?.[1], `#${canonical} · Chat`);

      // The home form re-rendered with a refused name shows it escaped.
      const attack = "</title><script>alert(1)</script>";
      const form = await fetch(
        `${server.url}/?room=${encodeURIComponent(attack)}`,
      );
      const formHtml = await form.text();
      assert.equal(form.status, 200);
      assertSecureHtml(form, "home form");
      assert.ok(!formHtml.includes(attack), "the refused name came back raw");
      assert.equal(
        /<title>([^<]*)<\/title>/.exec(formHtml)?.[1],
        "Chat · pick a room",
      );
      const formProps = JSON.parse(propsText(formHtml));
      assert.ok(
        formProps.props.some((p: { value?: string }) => p.value === attack),
        "the form's island got the refused name back exactly",
      );
    });
  },
});

Deno.test({
  name:
    "security: cross-origin upgrades get 403 unless allowed; own origin over http or https passes; no prefix tricks",
  async fn() {
    await withApp({ ALLOWED_ORIGINS: ALLOWED }, async (server) => {
      const room = freshRoom();
      const host = `127.0.0.1:${server.port}`;
      const cases: [string | undefined, number][] = [
        [undefined, 101],
        [`http://${host}`, 101],
        [`https://${host}`, 101],
        [ALLOWED, 101],
        ["https://evil.example", 403],
        [`http://${host}.evil.com`, 403],
        [`https://${host}.evil.com`, 403],
        [`http://${host}@evil.com`, 403],
        [`http://127.0.0.1`, 403],
        [`http://localhost:${server.port}`, 403],
        [`ws://${host}`, 403],
        ["null", 403],
        [`${ALLOWED}.evil.com`, 403],
        [`${ALLOWED}:443`, 403],
        ["http://app.example", 403],
        ["https://app.exampl", 403],
        [`https://evil.example/${ALLOWED}`, 403],
      ];
      let refused = 0;
      for (const [origin, status] of cases) {
        const attempt = await tryUpgrade(
          server.port,
          `/api/rooms/${room}/ws`,
          origin === undefined ? {} : { origin },
        );
        attempt.conn?.close();
        assert.equal(attempt.status, status, `Origin: ${origin}`);
        if (status === 403) refused++;
      }
      const res = await rawRequest(server.port, {
        path: `/api/rooms/${room}/ws`,
        headers: { ...UPGRADE_HEADERS, origin: "https://evil.example" },
      });
      assert.equal(res.status, 403);
      assert.ok(!res.body.includes("evil"), "the 403 reflects the origin");
      refused++;
      const metrics = await scrape(server.url);
      assert.equal(
        metrics.get('chat_connections_refused_total{reason="origin"}'),
        refused,
      );
    });
  },
});
