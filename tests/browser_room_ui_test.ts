/**
 * The room page against hostile text and bad moments, in real headless
 * Chromium against the real server: render work per event, overflow, direction
 * controls, reconnecting, no JavaScript, the phone drawer, avatar colours, the
 * header.
 */

import { ok as assert, strictEqual as assertEquals } from "node:assert/strict";
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

/** Counts `String.prototype.normalize` calls in the page: every message row rendered makes several (names, mentions). */
async function countNormalize(page: Page): Promise<() => Promise<number>> {
  await page.evaluate(() => {
    const w = globalThis as unknown as { __calls: number };
    const original = String.prototype.normalize;
    w.__calls = 0;
    String.prototype.normalize = function (this: string, form?: string) {
      w.__calls++;
      return original.call(this, form);
    };
  });
  return () =>
    page.evaluate(() => (globalThis as unknown as { __calls: number }).__calls);
}

async function horizontalOverflow(page: Page): Promise<number[]> {
  return await page.evaluate(() => {
    const log = document.querySelector(".log")!;
    const root = document.documentElement;
    return [
      log.scrollWidth - log.clientWidth,
      log.scrollLeft,
      root.scrollWidth - root.clientWidth,
      root.scrollLeft,
    ];
  });
}

/** CIE 1976 L*a*b* of an `rgb(r, g, b)` colour. */
function lab(color: string): [number, number, number] {
  const [r, g, b] = color.match(/\d+(\.\d+)?/g)!.slice(0, 3).map((v) => {
    const c = Number(v) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  const f = (t: number) => t > 0.008856 ? Math.cbrt(t) : 7.787 * t + 16 / 116;
  const x = f((0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047);
  const y = f(0.2126 * r + 0.7152 * g + 0.0722 * b);
  const z = f((0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883);
  return [116 * y - 16, 500 * (x - y), 200 * (y - z)];
}

Deno.test({
  name:
    "room page in Chromium: bounded render work, hostile text, reconnecting, no JavaScript, drawer, colours, header",
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
        "a typing or presence event does not render the messages again",
        async () => {
          const room = randomRoom();
          const bob = await joinBot(url, { room, username: "bob" });
          for (let i = 0; i < 50; i++) {
            await bob.say(`@reader look at https://example.com/${i} (${i})`);
          }
          const page = await openRoom(await b.newContext(), { url, room });
          const errors = watchErrors(page);
          await joinAs(page, "reader");
          await page.locator(".msg-mention").nth(49).waitFor();
          const calls = await countNormalize(page);

          bob.client.send({ type: "typing" });
          await page.locator(".typing", { hasText: "bob is typing" })
            .waitFor();
          const typing = await calls();
          assert(typing < 20, `a typing event made ${typing} normalize calls`);

          const carol = await joinBot(url, { room, username: "carol" });
          await page.locator("#members-panel .member-name", {
            hasText: "carol",
          }).waitFor();
          await page.locator(".notice", { hasText: "carol joined" }).waitFor();
          const presence = (await calls()) - typing;
          assert(
            presence < 40,
            `a presence event made ${presence} normalize calls`,
          );
          await bob.say("@reader one more");
          await page.locator(".msg-mention", { hasText: "one more" }).waitFor();
          const message = (await calls()) - typing - presence;
          assert(message < 40, `a new message made ${message} calls`);
          await carol.close();
          await bob.close();
          await page.context().close();
          assertEquals(errors.length, 0, errors.join("\n"));
        },
      );

      await t.step(
        "combining marks and long links stay inside the timeline; hovering a link scrolls nothing",
        async () => {
          const room = randomRoom();
          const bob = await joinBot(url, { room, username: "bob" });
          // U+20DD has no glyph in the test fonts: each mark takes room.
          for (const mark of ["\u0301", "\u20dd"]) {
            await bob.say("a" + mark.repeat(1980));
          }
          await bob.say(
            "https://example.com/" + "x".repeat(300) + " and " +
              "y".repeat(200),
          );
          await bob.say("after the hostile ones");
          for (const width of [1280, 390, 320]) {
            const context = await b.newContext({
              viewport: { width, height: 700 },
            });
            const page = await openRoom(context, { url, room });
            await page.locator(".msg-text", { hasText: "after the hostile" })
              .waitFor();
            const label = `at ${width} px`;
            assertEquals(
              (await horizontalOverflow(page)).join(),
              "0,0,0,0",
              label,
            );
            const widest = await page.locator(".msg").evaluateAll((items) =>
              Math.max(...items.map((el) => el.getBoundingClientRect().right))
            );
            const edge = await page.locator(".log").evaluate((el) =>
              el.getBoundingClientRect().right
            );
            assert(widest <= edge, `${label}: a message ends at ${widest} px`);
            await page.locator(".msg-text a").hover();
            assertEquals(
              (await horizontalOverflow(page)).join(),
              "0,0,0,0",
              `${label}, hovering the link`,
            );
            await context.close();
          }
          await bob.close();
        },
      );

      await t.step(
        "a right-to-left override cannot make gnp.exe read as exe.png",
        async () => {
          const room = randomRoom();
          const bob = await joinBot(url, { room, username: "bob" });
          await bob.say("invoice \u202Egnp.exe");
          const page = await openRoom(await b.newContext(), { url, room });
          const text = page.locator(".msg-text", { hasText: "invoice" });
          await text.waitFor();
          assertEquals(
            await text.locator(".bidi-control").textContent(),
            "U+202E",
          );
          const order = await text.evaluate((el) => {
            const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
            const xOf = (char: string) => {
              for (let n = walker.nextNode(); n; n = walker.nextNode()) {
                const at = n.textContent!.indexOf(char);
                if (at < 0) continue;
                const range = document.createRange();
                range.setStart(n, at);
                range.setEnd(n, at + 1);
                return range.getBoundingClientRect().left;
              }
              return NaN;
            };
            const g = xOf("g");
            walker.currentNode = el;
            const x = xOf("x");
            return { g, x, dir: getComputedStyle(el).unicodeBidi };
          });
          assert(order.g < order.x, `g at ${order.g}, x at ${order.x}`);
          assertEquals(order.dir, "isolate");
          await bob.close();
          await page.context().close();
        },
      );

      await t.step(
        "reconnecting keeps the last people and count; the banner sits above the messages",
        async () => {
          const room = randomRoom();
          const bob = await joinBot(url, { room, username: "bob" });
          for (let i = 0; i < 30; i++) await bob.say(`line ${i}`);
          const context = await b.newContext({
            viewport: { width: 1280, height: 500 },
          });
          // While refusing, an attempt is held open-ended (it never opens or
          // closes), so no retry of the client's own can reconnect and take
          // the button away before the click: only "Retry now" gets through.
          let refuse = false;
          let held = 0;
          const release = Promise.withResolvers<void>();
          const sockets: WebSocketRoute[] = [];
          await context.routeWebSocket(/\/ws$/, async (ws) => {
            if (refuse) {
              held++;
              await release.promise;
              return;
            }
            ws.connectToServer();
            sockets.push(ws);
          });
          const page = await openRoom(context, { url, room });
          await joinAs(page, "gail");
          const panel = page.locator("#members-panel");
          await panel.locator(".member-name", { hasText: "bob" }).waitFor();
          const log = page.locator(".log");
          await log.evaluate((el) => el.scrollTop = -el.scrollHeight);
          refuse = true;
          await sockets.at(-1)!.close({ code: 1006, reason: "cut" });
          await until(() => held > 0, { what: "an attempt held" });
          const banner = page.locator(".banner", { hasText: "Reconnecting" });
          await banner.waitFor();
          assertEquals(
            (await panel.locator(".member-name").allTextContents()).join(),
            "bob,gail",
          );
          assertEquals(await panel.locator(".count").textContent(), "2");
          assertEquals(await panel.locator(".members-empty").count(), 0);
          const [bannerBox, logBox] = [
            await banner.boundingBox(),
            await log.boundingBox(),
          ];
          assert(
            bannerBox!.y + bannerBox!.height <= logBox!.y + 0.5,
            `banner ${JSON.stringify(bannerBox)} over log ${
              JSON.stringify(logBox)
            }`,
          );
          const topItem = await page.evaluate(() => {
            const log = document.querySelector(".log")!.getBoundingClientRect();
            const hit = document.elementFromPoint(
              log.left + log.width / 2,
              log.top + 4,
            );
            return hit?.closest(".banner") ? "banner" : "log";
          });
          assertEquals(topItem, "log");
          refuse = false;
          await banner.getByRole("button", { name: "Retry now" }).click();
          await page.locator(".status-online").waitFor();
          release.resolve();
          await bob.close();
          await context.close();
        },
      );

      await t.step(
        "without JavaScript the page says so instead of loading forever",
        async () => {
          const room = randomRoom();
          const bob = await joinBot(url, { room, username: "bob" });
          await bob.say("readable without scripts");
          const context = await b.newContext({ javaScriptEnabled: false });
          const page = await openRoom(context, { url, room });
          await page.locator(".msg-text", { hasText: "readable" }).waitFor();
          const status = await page.locator(".status").innerText();
          assert(!status.includes("Loading"), status);
          assert(status.includes("JavaScript"), status);
          const footer = await page.locator(".chat-footer").innerText();
          assert(!footer.includes("once the page has loaded"), footer);
          const people = await page.locator("#members-panel").innerText();
          assert(!people.includes("Join to see"), people);
          await context.close();
          const live = await openRoom(await b.newContext(), { url, room });
          await live.locator("#chat-name").waitFor();
          assertEquals(
            await live.locator(".js-off").evaluateAll((items) =>
              items.filter((el) => (el as HTMLElement).offsetParent !== null)
                .length
            ),
            0,
          );
          await live.context().close();
          await bob.close();
        },
      );

      await t.step(
        "phone People drawer: backdrop, close button, focus back to the toggle",
        async () => {
          const room = randomRoom();
          const context = await b.newContext({
            viewport: { width: 390, height: 700 },
          });
          const page = await openRoom(context, { url, room });
          await joinAs(page, "hana");
          const toggle = page.locator(".members-toggle");
          const panel = page.locator("#members-panel");
          const backdrop = page.locator(".members-backdrop");
          await toggle.click();
          assert(await panel.isVisible());
          assert(await backdrop.isVisible());
          const close = panel.getByRole("button", {
            name: "Close the list of people",
          });
          assert(await close.isVisible());
          const covered = await page.evaluate(() => {
            const hit = document.elementFromPoint(20, 300);
            return hit?.className;
          });
          assertEquals(covered, "members-backdrop");
          // Messages beside the drawer are blurred, not shown cut mid-word.
          assert(
            (await backdrop.evaluate((el) =>
              getComputedStyle(el).backdropFilter
            )).includes("blur"),
          );
          await close.click();
          assert(!(await panel.isVisible()));
          assert(!(await backdrop.isVisible()));
          assertEquals(
            await page.evaluate(() => document.activeElement?.id),
            "members-toggle",
          );
          await toggle.click();
          await backdrop.click({ position: { x: 10, y: 10 } });
          assert(!(await panel.isVisible()));
          await context.close();
        },
      );

      await t.step(
        "avatar colours are told apart; white initials stay readable",
        async () => {
          const page = await openRoom(await b.newContext(), {
            url,
            room: randomRoom(),
          });
          const colors = await page.evaluate(() =>
            Array.from({ length: 8 }, (_, i) => {
              const el = document.createElement("span");
              el.className = `avatar avatar-${i}`;
              document.body.append(el);
              const color = getComputedStyle(el).backgroundColor;
              el.remove();
              return color;
            })
          );
          const labs = colors.map(lab);
          for (let i = 0; i < labs.length; i++) {
            assert(labs[i][0] < 50, `avatar-${i} too light: ${colors[i]}`);
            for (let j = i + 1; j < labs.length; j++) {
              const distance = Math.hypot(
                ...labs[i].map((v, k) => v - labs[j][k]),
              );
              assert(
                distance >= 20,
                `avatar-${i} ${colors[i]} and avatar-${j} ${colors[j]}: ΔE ${
                  distance.toFixed(1)
                }`,
              );
            }
          }
          await page.context().close();
        },
      );

      await t.step(
        "the header has one height on the home page and in a room",
        async () => {
          for (const width of [1280, 390]) {
            const context = await b.newContext({
              viewport: { width, height: 700 },
            });
            const page = await context.newPage();
            page.setDefaultTimeout(PAGE_TIMEOUT_MS);
            const measure = () =>
              page.evaluate(() => {
                const header = document.querySelector(".site-header")!;
                const logo = document.querySelector(".brand img")!;
                return [
                  header.getBoundingClientRect().height,
                  logo.getBoundingClientRect().top,
                ].join();
              });
            await page.goto(url);
            const home = await measure();
            await page.goto(`${url}/chat/${randomRoom()}`);
            assertEquals(await measure(), home, `at ${width} px`);
            await context.close();
          }
        },
      );
    } finally {
      await browser?.close();
      await server?.stop();
    }
  },
});
