/** The room page as people see it, in real headless Chromium against the real server: one server and one browser for the file. */

import {
  deepStrictEqual as assertEquals,
  ok as assert,
} from "node:assert/strict";
import type { Browser, Page, WebSocketRoute } from "playwright-core";
import {
  joinAs,
  joinBot,
  launchBrowser,
  openRoom,
  PAGE_TIMEOUT_MS,
  skipBrowserTests,
  watchErrors,
} from "./support/browser.ts";
import { until } from "./support/hostile.ts";
import { type RunningApp, startApp } from "./support/app_server.ts";

const ignore = skipBrowserTests();

function randomRoom(): string {
  return `ui-${crypto.randomUUID().slice(0, 8)}`;
}

function message(page: Page, text: string) {
  return page.locator(".timeline .msg:not(.msg-pending)", { hasText: text });
}

async function setHidden(page: Page, hidden: boolean): Promise<void> {
  await page.evaluate((value) => {
    Object.defineProperty(document, "hidden", {
      configurable: true,
      get: () => value,
    });
    Object.defineProperty(document, "visibilityState", {
      configurable: true,
      get: () => value ? "hidden" : "visible",
    });
    document.dispatchEvent(new Event("visibilitychange"));
  }, hidden);
}

async function eventually(
  check: () => Promise<boolean>,
  what: string,
): Promise<void> {
  const deadline = Date.now() + PAGE_TIMEOUT_MS;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

Deno.test({
  name:
    "room page in Chromium: messages, attention, people, offline, keyboard, themes",
  ignore,
  async fn(t) {
    let server: RunningApp | null = null;
    let browser: Browser | null = null;
    try {
      server = await startApp({ env: { CHAT_RATE_LIMIT: "off" } });
      browser = await launchBrowser();
      const url = server.url;
      const b = browser;

      await t.step(
        "grouping, own messages, links, mentions, multi-line, times",
        async () => {
          const room = randomRoom();
          const page = await openRoom(await b.newContext(), { url, room });
          const errors = watchErrors(page);
          await joinAs(page, "alice");
          const bob = await joinBot(url, { room, username: "bob" });
          await bob.say("first from bob");
          await bob.say(
            "docs at https://example.com/a?b=1. and javascript:alert(1)",
          );
          await bob.say("@alice look, and @carol too");
          await message(page, "@alice look").waitFor();

          const bobs = page.locator(".msg", {
            hasText: /from bob|docs at|look/,
          });
          assertEquals(await bobs.count(), 3);
          assertEquals(
            await bobs.evaluateAll((items) =>
              items.map((i) => i.classList.contains("msg-first"))
            ),
            [true, false, false],
          );
          assertEquals(
            await page.locator(".msg-author:not(.visually-hidden)").count(),
            1,
          );
          assertEquals(await page.locator(".timeline .avatar").count(), 1);

          const link = page.locator(".msg-text a");
          assertEquals(await link.count(), 1);
          assertEquals(
            await link.getAttribute("href"),
            "https://example.com/a?b=1",
          );
          assertEquals(await link.getAttribute("target"), "_blank");
          assertEquals(await link.getAttribute("rel"), "noopener noreferrer");
          assertEquals(await link.textContent(), "https://example.com/a?b=1");

          assertEquals(
            await page.locator(".mention-self").textContent(),
            "@alice",
          );
          assertEquals(
            await page.locator(".mention:not(.mention-self)").textContent(),
            "@carol",
          );
          assert(
            await message(page, "@alice look").evaluate((el) =>
              el.classList.contains("msg-mention")
            ),
          );

          const input = page.locator("#chat-input");
          await input.pressSequentially("line one");
          await input.press("Shift+Enter");
          await input.pressSequentially("  line two");
          await input.press("Enter");
          const mine = message(page, "line one");
          await mine.waitFor();
          assert(await mine.evaluate((el) => el.classList.contains("msg-own")));
          assertEquals(
            await mine.locator(".msg-text").textContent(),
            "line one\n  line two",
          );
          assert((await mine.locator(".msg-text").innerText()).includes("\n"));
          assertEquals(await input.inputValue(), "");

          const time = mine.locator("time");
          const title = await time.getAttribute("title") ?? "";
          assert(/\d{4}/.test(title), `full date on hover: ${title}`);
          assert(await time.getAttribute("datetime"));
          assertEquals(await page.locator(".day-label").allTextContents(), [
            "Today",
          ]);
          await bob.close();
          await page.context().close();
          assertEquals(errors, []);
        },
      );

      await t.step(
        "pending bubble turns into the stored message; a failed one has a retry button",
        async () => {
          const room = randomRoom();
          const context = await b.newContext();
          let hold = false;
          let failNext = false;
          const held: string[] = [];
          let route: { server: WebSocketRoute } | null = null;
          await context.routeWebSocket(/\/ws$/, (ws) => {
            const upstream = ws.connectToServer();
            route = { server: upstream };
            ws.onMessage((raw) => {
              const frame = JSON.parse(String(raw));
              if (frame.type === "message" && failNext) {
                failNext = false;
                ws.send(JSON.stringify({
                  type: "error",
                  code: "server_error",
                  message: "storage down",
                }));
                return;
              }
              if (frame.type === "message" && hold) held.push(String(raw));
              else upstream.send(raw);
            });
          });
          const page = await openRoom(context, { url, room });
          await joinAs(page, "dana");
          hold = true;
          await page.locator("#chat-input").fill("hold me");
          await page.locator("#chat-input").press("Enter");
          const pending = page.locator(".msg-pending", { hasText: "hold me" });
          await pending.waitFor();
          assert((await pending.textContent())?.includes("Sending…"));
          hold = false;
          for (const raw of held.splice(0)) route!.server.send(raw);
          await message(page, "hold me").waitFor();
          await pending.waitFor({ state: "detached" });
          assertEquals(
            await page.locator(".msg", { hasText: "hold me" }).count(),
            1,
          );

          failNext = true;
          await page.locator("#chat-input").fill("fail once");
          await page.locator("#chat-input").press("Enter");
          const failed = page.locator(".msg-failed", { hasText: "fail once" });
          await failed.waitFor();
          await failed.getByRole("button", { name: "Retry" }).click();
          await message(page, "fail once").waitFor();
          await failed.waitFor({ state: "detached" });
          assertEquals(
            await page.locator(".msg", { hasText: "fail once" }).count(),
            1,
          );
          await context.close();
        },
      );

      await t.step(
        "unread count in the title and a new-messages line while the tab is hidden",
        async () => {
          const room = randomRoom();
          const page = await openRoom(await b.newContext(), { url, room });
          await joinAs(page, "erin");
          const bob = await joinBot(url, { room, username: "bob" });
          await bob.say("seen already");
          await message(page, "seen already").waitFor();
          const title = await page.title();
          assertEquals(title, `#${room} · Chat`);
          await setHidden(page, true);
          await bob.say("missed one");
          await bob.say("missed two");
          await bob.say("missed three");
          await eventually(
            async () => (await page.title()) === `(3) #${room} · Chat`,
            "title counts 3 unread",
          );
          const live = await page.locator("[aria-live=polite].visually-hidden")
            .textContent();
          assert(live?.includes("missed three"), `announced: ${live}`);
          await setHidden(page, false);
          assertEquals(await page.title(), title);
          const order = await page.locator(".timeline > li").evaluateAll((
            items,
          ) =>
            items.map((i) =>
              i.classList.contains("unread-sep")
                ? "LINE"
                : i.querySelector(".msg-text")?.textContent ?? ""
            ).filter((text) => text !== "")
          );
          assertEquals(order.slice(-5), [
            "seen already",
            "LINE",
            "missed one",
            "missed two",
            "missed three",
          ]);
          await page.locator("#chat-input").fill("back");
          await page.locator("#chat-input").press("Enter");
          await page.locator(".unread-sep").waitFor({ state: "detached" });
          await bob.close();
          await page.context().close();
        },
      );

      await t.step(
        "older history loads on scroll to the top, keeps its place, stops at an empty page; jump to newest",
        async () => {
          const room = randomRoom();
          const bob = await joinBot(url, { room, username: "bob" });
          for (let i = 1; i <= 120; i++) {
            await bob.say(`history ${String(i).padStart(3, "0")}`);
          }
          const page = await openRoom(await b.newContext(), { url, room });
          const requests: string[] = [];
          page.on("request", (request) => {
            if (request.url().includes("/messages")) {
              requests.push(new URL(request.url()).search);
            }
          });
          await joinAs(page, "finn");
          const texts = () => page.locator(".msg-text").allTextContents();
          assertEquals((await texts()).length, 50);
          assertEquals((await texts())[0], "history 071");

          const log = page.locator(".log");
          const topOf = (text: string) =>
            message(page, text).evaluate((el) =>
              el.getBoundingClientRect().top
            );
          await page.locator(".jump").waitFor({ state: "detached" });
          await log.evaluate((el) => el.scrollTop = -el.scrollHeight);
          await page.locator(".jump", { hasText: "Jump to newest" }).waitFor();
          const before = await topOf("history 071");
          await eventually(
            async () => (await texts()).length === 100,
            "100 loaded",
          );
          assertEquals((await texts())[0], "history 021");
          const after = await topOf("history 071");
          assert(
            Math.abs(after - before) < 2,
            `kept place: ${before} → ${after}`,
          );

          await log.evaluate((el) => el.scrollTop = -el.scrollHeight);
          await eventually(
            async () => (await texts()).length === 120,
            "120 loaded",
          );
          await log.evaluate((el) => el.scrollTop = -el.scrollHeight);
          await page.locator(".history-start").waitFor();
          assertEquals(requests.length, 3);
          assert(
            requests.every((q) => q.includes("limit=50")),
            requests.join(),
          );
          assert(requests[0].includes(`before=`), requests[0]);
          // Back down and up to the top again, so the scroll handler runs at
          // the top; then a barrier: two frames (scroll events fire before
          // them), and a request the page makes after that reaches the test
          // after any request the handler made.
          const frames = () =>
            page.evaluate(() =>
              new Promise((resolve) =>
                requestAnimationFrame(() => requestAnimationFrame(resolve))
              )
            );
          await log.evaluate((el) => el.scrollTop = 0);
          await frames();
          await log.evaluate((el) => el.scrollTop = -el.scrollHeight);
          await frames();
          const barrier = page.waitForRequest((r) =>
            r.url().endsWith("/healthz?barrier")
          );
          await page.evaluate(() => fetch("/healthz?barrier").then(() => {}));
          await barrier;
          assertEquals(requests.length, 3, "no request after the empty page");

          await bob.say("fresh news");
          await page.locator(".jump", { hasText: "1 new message" }).waitFor();
          await page.locator(".jump").click();
          await page.locator(".jump").waitFor({ state: "detached" });
          assert(await log.evaluate((el) => Math.abs(el.scrollTop) < 2));
          assert(await message(page, "fresh news").isVisible());
          await bob.close();
          await page.context().close();
        },
      );

      await t.step(
        "connection lost: gentle banner, composer disabled with a reason, back when the server answers",
        async () => {
          const room = randomRoom();
          const context = await b.newContext();
          // "refuse" closes each attempt at once; "hold" keeps it connecting
          // (never open, never failed), so no retry of the client's own is
          // pending and only "Retry now" can make the next attempt.
          let mode: "accept" | "refuse" | "hold" = "accept";
          let attempts = 0;
          let held = 0;
          const release = Promise.withResolvers<void>();
          const sockets: WebSocketRoute[] = [];
          await context.routeWebSocket(/\/ws$/, async (ws) => {
            if (mode === "accept") {
              ws.connectToServer();
              sockets.push(ws);
              return;
            }
            attempts++;
            if (mode === "refuse") {
              ws.close({ code: 1011, reason: "test" });
              return;
            }
            held++;
            await release.promise;
          });
          const page = await openRoom(context, { url, room });
          await joinAs(page, "gail");
          mode = "refuse";
          await sockets.at(-1)!.close({ code: 1006, reason: "cut" });
          const banner = page.locator(".banner");
          await banner.waitFor();
          assert((await banner.textContent())?.includes("Connection lost"));
          // Refused attempts cycle the client through "connecting" (hint
          // "Connecting…") and "reconnecting": wait for the latter's reason.
          await page.locator("#composer-hint", { hasText: "Reconnecting" })
            .waitFor();
          assert(await page.locator("#chat-input").isDisabled());
          assert(await page.locator(".btn-send").isDisabled());
          const retry = banner.getByRole("button", { name: "Retry now" });
          const text = banner.locator(".banner-text");
          await text.filter({ hasText: "Retrying in" }).waitFor();
          const x = (await retry.boundingBox())?.x;
          mode = "hold";
          await until(() => held === 1, { what: "an attempt held" });
          // The button stays put while the sentence changes beside it.
          await text.filter({ hasText: "Reconnecting" }).waitFor();
          assertEquals((await retry.boundingBox())?.x, x, "Retry now moved");
          const before = attempts;
          await retry.click();
          await until(() => held === 2, { what: "an attempt by Retry now" });
          assertEquals(attempts, before + 1, "one attempt, made by Retry now");
          mode = "accept";
          await retry.click();
          await page.locator(".status-online").waitFor({ timeout: 60_000 });
          await banner.waitFor({ state: "detached" });
          assert(await page.locator("#chat-input").isEnabled());
          release.resolve();
          await context.close();
        },
      );

      await t.step(
        "typing names, folded join notices, member panel toggled at phone width, no horizontal scroll at 320 px",
        async () => {
          const room = randomRoom();
          const context = await b.newContext({
            viewport: { width: 320, height: 640 },
          });
          const page = await openRoom(context, { url, room });
          await joinAs(page, "hana");
          const bots = [];
          for (const name of ["bob", "carol", "dave", "eve"]) {
            bots.push(await joinBot(url, { room, username: name }));
          }
          const folded = page.locator(".notice-folded");
          await folded.waitFor();
          await eventually(
            async () =>
              (await folded.locator("summary").textContent())?.startsWith(
                "4 people joined",
              ) ?? false,
            "4 joins folded",
          );
          assert(!(await folded.locator(".notice-list").isVisible()));
          await folded.locator("summary").click();
          assert(await folded.locator(".notice-list").isVisible());

          bots[0].client.send({ type: "typing" });
          bots[1].client.send({ type: "typing" });
          await page.locator(".typing", {
            hasText: "bob and carol are typing…",
          })
            .waitFor();

          const panel = page.locator("#members-panel");
          const toggle = page.locator(".members-toggle");
          assert(!(await panel.isVisible()));
          assertEquals(await toggle.getAttribute("aria-expanded"), "false");
          await toggle.click();
          assert(await panel.isVisible());
          assertEquals(await toggle.getAttribute("aria-expanded"), "true");
          assertEquals(
            await panel.locator(".member-name").allTextContents(),
            ["bob", "carol", "dave", "eve", "hana"],
          );
          await page.keyboard.press("Escape");
          assert(!(await panel.isVisible()));

          const overflow = () =>
            page.evaluate(() =>
              document.documentElement.scrollWidth -
              document.documentElement.clientWidth
            );
          for (const bot of bots) {
            await bot.say(
              "averyveryveryveryveryverylongwordwithoutanyspacesatallinit https://example.com/a/very/long/path/that/does/not/wrap/easily",
            );
          }
          await message(page, "averyvery").last().waitFor();
          assertEquals(await overflow(), 0);
          await page.goto(url);
          assertEquals(await overflow(), 0);
          for (const bot of bots) await bot.close();
          await context.close();
        },
      );

      await t.step(
        "keyboard only: name, send, new line, focus ring",
        async () => {
          const room = randomRoom();
          const page = await openRoom(await b.newContext(), { url, room });
          await page.locator("#chat-name:focus").waitFor();
          await page.keyboard.type("ivan");
          await page.keyboard.press("Enter");
          await page.locator("#chat-input:focus").waitFor();
          await page.keyboard.type("sent with the keyboard");
          await page.keyboard.press("Enter");
          await message(page, "sent with the keyboard").waitFor();
          await page.keyboard.press("Tab");
          const focused = await page.evaluate(() => {
            const el = document.activeElement as HTMLElement;
            const style = getComputedStyle(el);
            return {
              text: el.textContent,
              outline: style.outlineStyle,
              width: parseFloat(style.outlineWidth),
            };
          });
          assertEquals(focused.text, "Send");
          assert(
            focused.outline !== "none" && focused.width >= 2,
            JSON.stringify(focused),
          );

          await page.locator("body").focus();
          await page.evaluate(() =>
            (document.activeElement as HTMLElement)?.blur()
          );
          let reached = false;
          for (let i = 0; i < 20 && !reached; i++) {
            await page.keyboard.press("Tab");
            reached = await page.evaluate(() =>
              document.activeElement?.id === "chat-input"
            );
          }
          assert(reached, "composer reachable with Tab");
          await page.context().close();
        },
      );

      await t.step("themes follow prefers-color-scheme", async () => {
        const room = randomRoom();
        const luminance = async (scheme: "light" | "dark") => {
          const context = await b.newContext({ colorScheme: scheme });
          const page = await openRoom(context, { url, room });
          const color = await page.evaluate(() =>
            getComputedStyle(document.body).backgroundColor
          );
          await context.close();
          const [r, g, bl] = color.match(/\d+/g)!.map(Number);
          return (0.2126 * r + 0.7152 * g + 0.0722 * bl) / 255;
        };
        assert((await luminance("light")) > 0.8);
        assert((await luminance("dark")) < 0.15);
      });

      await t.step(
        "no layout shift when the island hydrates over the server-rendered history",
        async () => {
          const room = randomRoom();
          const bob = await joinBot(url, { room, username: "bob" });
          for (let i = 0; i < 30; i++) await bob.say(`seed ${i} @kim`);
          const first = await b.newContext();
          const setup = await openRoom(first, { url, room });
          await joinAs(setup, "kim");
          const state = await first.storageState();
          await first.close();
          for (const storageState of [undefined, state]) {
            const context = await b.newContext({ storageState });
            const page = await context.newPage();
            page.setDefaultTimeout(PAGE_TIMEOUT_MS);
            await page.addInitScript(() => {
              const w = globalThis as unknown as { __shift: number };
              w.__shift = 0;
              new PerformanceObserver((list) => {
                for (const entry of list.getEntries()) {
                  const shift = entry as unknown as {
                    value: number;
                    hadRecentInput: boolean;
                  };
                  if (!shift.hadRecentInput) w.__shift += shift.value;
                }
              }).observe({ type: "layout-shift", buffered: true });
            });
            await page.goto(`${url}/chat/${room}`);
            await page.locator(storageState ? ".status-online" : "#chat-name")
              .waitFor();
            // Two frames after the page settled, and the task after them,
            // in which the observer has been told of every shift so far.
            await page.evaluate(() =>
              new Promise((resolve) =>
                requestAnimationFrame(() =>
                  requestAnimationFrame(() => setTimeout(resolve, 0))
                )
              )
            );
            const shift = await page.evaluate(() =>
              (globalThis as unknown as { __shift: number }).__shift
            );
            assert(shift < 0.01, `cumulative layout shift ${shift}`);
            await context.close();
          }
          await bob.close();
        },
      );
    } finally {
      await browser?.close();
      await server?.stop();
    }
  },
});
