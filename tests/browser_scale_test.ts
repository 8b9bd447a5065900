/** Two Chromium pages in one room, their sockets on different isolates of one port (CHAT_WORKERS=2). */
import assert from "node:assert/strict";
import type { Browser, Page } from "playwright-core";
import { ISOLATE_HEADER } from "../lib/scale/isolate_header.ts";
import {
  joinAs,
  launchBrowser,
  PAGE_TIMEOUT_MS,
  skipBrowserTests,
  watchErrors,
} from "./support/browser.ts";
import { until } from "./support/hostile.ts";
import { type RunningServer, startServer } from "./support/server.ts";
import { freshRoom } from "./support/ws_client.ts";

/** Most pages opened while looking for one per isolate (each lands on either with even odds). */
const MAX_PAGES = 20;

/** Opens the room in a fresh context, joins as `name`, and resolves with the page and the isolate its socket reached. */
async function pageOnIsolate(
  browser: Browser,
  options: { url: string; room: string; name: string },
): Promise<{ page: Page; isolate: string; errors: string[] }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.setDefaultTimeout(PAGE_TIMEOUT_MS);
  const errors = watchErrors(page);
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  let isolate = "";
  cdp.on("Network.webSocketHandshakeResponseReceived", (event) => {
    const headers = event.response.headers as Record<string, string>;
    isolate ||= headers[ISOLATE_HEADER] ?? "";
  });
  await page.goto(`${options.url}/chat/${options.room}`);
  await joinAs(page, options.name);
  await until(() => isolate !== "", { what: "the socket's isolate" });
  return { page, isolate, errors };
}

Deno.test({
  name: "Chromium: two pages of one room on different isolates talk",
  ignore: skipBrowserTests(),
  async fn() {
    const dir = await Deno.makeTempDir();
    let server: RunningServer | undefined;
    let browser: Browser | undefined;
    try {
      server = await startServer({
        env: {
          CHAT_STORE: "kv",
          CHAT_KV_PATH: `${dir}/chat.kv`,
          CHAT_WORKERS: "2",
          CHAT_RATE_LIMIT: "off",
        },
      });
      const logs = server.logs;
      await until(
        () => logs.filter((l) => l.includes('"event":"start"')).length >= 2,
        { what: "both isolates listening" },
      );
      browser = await launchBrowser();
      const room = freshRoom("cores");
      const pages = new Map<
        string,
        { page: Page; name: string; errors: string[] }
      >();
      for (let i = 0; i < MAX_PAGES && pages.size < 2; i++) {
        const name = `p${i}`;
        const { page, isolate, errors } = await pageOnIsolate(browser, {
          url: server.url,
          room,
          name,
        });
        if (pages.has(isolate)) await page.context().close();
        else pages.set(isolate, { page, name, errors });
      }
      assert.equal(pages.size, 2, `only ${[...pages.keys()]}`);
      const [first, second] = [...pages.values()];
      const [ann, bob] = [first.page, second.page];
      await ann.locator(".members-list li", { hasText: second.name })
        .waitFor();
      await bob.locator(".members-list li", { hasText: first.name }).waitFor();
      await ann.locator("#chat-input").fill("hello from one core");
      await ann.locator("#chat-input").press("Enter");
      await bob.locator(".timeline .msg:not(.msg-pending)", {
        hasText: "hello from one core",
      }).waitFor();
      await bob.locator("#chat-input").fill("and back from the other");
      await bob.locator("#chat-input").press("Enter");
      await ann.locator(".timeline .msg:not(.msg-pending)", {
        hasText: "and back from the other",
      }).waitFor();
      assert.deepEqual([...first.errors, ...second.errors], []);
    } finally {
      await browser?.close();
      await server?.stop();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
