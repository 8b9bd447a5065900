/** End-to-end tests in real headless Chromium against the real server (main.ts). */

import {
  deepStrictEqual as assertEquals,
  ok as assert,
} from "node:assert/strict";
import type { Browser, BrowserContext, Page } from "playwright-core";
import type { MessageEvent, ServerEvent } from "../lib/protocol/events.ts";
import {
  launchBrowser,
  PAGE_TIMEOUT_MS as TIMEOUT,
  skipBrowserTests,
} from "./support/browser.ts";
import { type RunningApp, startApp } from "./support/app_server.ts";

const ignore = skipBrowserTests();

function randomRoom(): string {
  return `room-${crypto.randomUUID().slice(0, 8)}`;
}

/** One Chromium for the whole file, launched on first use; each test makes its own contexts. */
let shared: Promise<Browser> | undefined;
Deno.test.afterAll(async () => {
  await (await shared)?.close();
});

/** Runs `fn` with a fresh server and the file's browser, closing the server and the test's contexts whatever happens. */
async function withBrowser(
  fn: (env: { server: RunningApp; browser: Browser }) => Promise<void>,
  options: { env?: Record<string, string> } = {},
): Promise<void> {
  const server = await startApp({ env: options.env });
  const browser = await (shared ??= launchBrowser());
  try {
    await fn({ server, browser });
  } finally {
    await Promise.all(browser.contexts().map((context) => context.close()));
    await server.stop();
  }
}

/** Collects uncaught errors and console errors (CSP violations among them). */
function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(`pageerror: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(`console: ${message.text()}`);
  });
  return errors;
}

async function openRoom(
  context: BrowserContext,
  options: { url: string; room: string },
): Promise<Page> {
  const page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT);
  await page.goto(`${options.url}/chat/${options.room}`);
  return page;
}

async function enterName(page: Page, name: string): Promise<void> {
  await page.locator("#chat-name").fill(name);
  await page.locator("#chat-name").press("Enter");
}

async function waitConnected(page: Page): Promise<void> {
  await page.locator(".status-online").waitFor();
}

async function say(page: Page, text: string): Promise<void> {
  await page.locator("#chat-input").fill(text);
  await page.locator("#chat-input").press("Enter");
}

function messageItem(page: Page, text: string) {
  return page.locator(".timeline .msg:not(.msg-pending)", { hasText: text });
}

/** Sends messages as a plain WebSocket client, waiting for each to be stored. */
async function sendOverSocket(
  url: string,
  options: { room: string; username: string; texts: string[] },
): Promise<MessageEvent[]> {
  const ws = new WebSocket(
    `${url.replace("http", "ws")}/api/rooms/${options.room}/ws`,
  );
  const events: ServerEvent[] = [];
  let wake = () => {};
  ws.onmessage = (event) => {
    events.push(JSON.parse(event.data));
    wake();
  };
  const next = async (type: string) => {
    const deadline = Date.now() + TIMEOUT;
    while (Date.now() < deadline) {
      const index = events.findIndex((e) => e.type === type);
      if (index !== -1) return events.splice(index, 1)[0];
      const errorIndex = events.findIndex((e) => e.type === "error");
      if (errorIndex !== -1) {
        throw new Error(JSON.stringify(events[errorIndex]));
      }
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, 100);
      });
    }
    throw new Error(`no ${type} event`);
  };
  try {
    await new Promise((resolve, reject) => {
      ws.onopen = resolve;
      ws.onerror = reject;
    });
    ws.send(JSON.stringify({ type: "join", username: options.username }));
    await next("welcome");
    const stored: MessageEvent[] = [];
    for (const text of options.texts) {
      ws.send(JSON.stringify({ type: "message", text }));
      stored.push(await next("message") as MessageEvent);
    }
    return stored;
  } finally {
    const closed = new Promise((resolve) => ws.onclose = resolve);
    ws.close();
    await closed;
  }
}

Deno.test({
  name: "two people chat: join notice, typing, message with sender name",
  ignore,
  async fn() {
    await withBrowser(async ({ server, browser }) => {
      const room = randomRoom();
      const alice = await browser.newContext();
      const bob = await browser.newContext();
      const pageA = await openRoom(alice, { url: server.url, room });
      const errors = watchErrors(pageA);
      await enterName(pageA, "alice");
      await waitConnected(pageA);

      const pageB = await openRoom(bob, { url: server.url, room });
      await enterName(pageB, "bob");
      await waitConnected(pageB);

      await pageA.locator(".notice", { hasText: "bob joined" }).waitFor();
      await pageA.locator(".members-list li", { hasText: "bob" }).waitFor();

      await pageB.locator("#chat-input").pressSequentially("hel");
      await pageA.locator(".typing", { hasText: "bob is typing…" }).waitFor();
      await pageB.locator("#chat-input").fill("hello <b>alice</b> & co");
      await pageB.locator("#chat-input").press("Enter");

      const received = messageItem(pageA, "hello <b>alice</b> & co");
      await received.waitFor();
      assertEquals(await received.locator(".msg-author").textContent(), "bob");
      assertEquals(await pageA.locator(".typing").textContent(), "");
      assertEquals(await pageB.locator("#chat-input").inputValue(), "");
      await messageItem(pageB, "hello <b>alice</b> & co").waitFor();

      await say(pageA, "hi bob");
      const reply = messageItem(pageB, "hi bob");
      await reply.waitFor();
      assertEquals(await reply.locator(".msg-author").textContent(), "alice");

      const carol = await browser.newContext();
      const pageC = await openRoom(carol, { url: server.url, room });
      await enterName(pageC, "ALICE");
      await pageC.locator("#chat-name-error", {
        hasText: "already using that name",
      }).waitFor();
      await enterName(pageC, "carol");
      await waitConnected(pageC);
      await pageA.locator(".notice", { hasText: "carol joined" }).waitFor();

      await pageB.close();
      await pageA.locator(".notice", { hasText: "bob left" }).waitFor();
      // The member list follows the changes the presence events carry.
      await pageA.locator(".members-list li", { hasText: "bob" }).waitFor({
        state: "detached",
      });
      await pageA.locator(".members-list li", { hasText: "carol" }).waitFor();
      assertEquals(await pageA.locator(".members-list li").count(), 2);
      assertEquals(errors, []);
    });
  },
});

Deno.test({
  name:
    "home form: islands hydrate, a bad name is refused, a good one opens the room",
  ignore,
  async fn() {
    await withBrowser(async ({ server, browser }) => {
      const context = await browser.newContext();
      const page = await context.newPage();
      page.setDefaultTimeout(TIMEOUT);
      const errors = watchErrors(page);
      await page.goto(server.url);
      const input = page.locator("#room-name");
      await page.locator("form.join-form[data-hydrated]").waitFor();
      await input.pressSequentially("no spaces");
      await page.locator("#room-name-error", {
        hasText: "Use letters, digits",
      }).waitFor();
      assertEquals(page.url(), `${server.url}/`);
      await input.press("Enter");
      assertEquals(page.url(), `${server.url}/`);

      await input.fill("");
      await input.pressSequentially("Café-Talk");
      await page.locator("#room-name-hint", { hasText: "café-talk" }).waitFor();
      await input.press("Enter");
      await page.waitForURL(`${server.url}/chat/caf%C3%A9-talk`);
      await page.locator("#chat-name").waitFor();
      assertEquals(errors, []);
    });
  },
});

Deno.test({
  name: "without JavaScript: server-rendered history and the plain form",
  ignore,
  async fn() {
    await withBrowser(async ({ server, browser }) => {
      const room = randomRoom();
      await sendOverSocket(server.url, {
        room,
        username: "dora",
        texts: ["first <script>alert(1)</script>", "second line"],
      });
      const context = await browser.newContext({ javaScriptEnabled: false });
      const page = await context.newPage();
      page.setDefaultTimeout(TIMEOUT);
      await page.goto(`${server.url}/chat/${room}`);
      const items = page.locator(".timeline .msg");
      assertEquals(await items.count(), 2);
      assertEquals(
        await items.locator(".msg-text").allTextContents(),
        ["first <script>alert(1)</script>", "second line"],
      );
      assertEquals(await items.locator(".msg-author").allTextContents(), [
        "dora",
        "dora",
      ]);
      assert(await items.first().locator("time").getAttribute("datetime"));
      assertEquals(
        await page.locator("h1").textContent(),
        `#${room}`,
      );

      await page.goto(server.url);
      await page.locator("#room-name").fill("bad name!");
      await page.locator("#room-name").press("Enter");
      await page.waitForURL(/\?room=/);
      await page.locator("#room-name-error", { hasText: "Use letters" })
        .waitFor();
      await page.locator("#room-name").fill("Quiet-Room");
      await page.locator("#room-name").press("Enter");
      await page.waitForURL(`${server.url}/chat/quiet-room`);
    });
  },
});

Deno.test({
  name:
    "reconnects after a server restart and resumes without gaps or duplicates",
  ignore,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "chat_browser_" });
    const env = { CHAT_STORE: "kv", CHAT_KV_PATH: `${dir}/chat.kv` };
    let server: RunningApp | null = await startApp({ env });
    const port = server.port;
    const browser = await (shared ??= launchBrowser());
    try {
      const room = randomRoom();
      const page = await openRoom(await browser.newContext(), {
        url: server.url,
        room,
      });
      await enterName(page, "erin");
      await waitConnected(page);
      await say(page, "before restart");
      await messageItem(page, "before restart").waitFor();

      await server.stop();
      server = null;
      await page.locator(".status-reconnecting").waitFor();
      server = await startApp({ env, port });
      await sendOverSocket(server.url, {
        room,
        username: "frank",
        texts: ["while you were away"],
      });
      await page.locator(".status-online").waitFor({ timeout: 20_000 });
      await messageItem(page, "while you were away").waitFor();

      await say(page, "after restart");
      await messageItem(page, "after restart").waitFor();
      const texts = await page.locator(".timeline .msg .msg-text")
        .allTextContents();
      assertEquals(texts, [
        "before restart",
        "while you were away",
        "after restart",
      ]);
      const res = await fetch(`${server.url}/api/rooms/${room}/messages`);
      const body = await res.json() as { messages: MessageEvent[] };
      assertEquals(body.messages.map((m) => m.text), texts);
    } finally {
      await Promise.all(browser.contexts().map((context) => context.close()));
      await server?.stop();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
