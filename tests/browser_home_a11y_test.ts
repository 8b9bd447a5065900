/** The home page live, and axe-core on both pages (light and dark), in headless Chromium: one server and one browser for the file. */

import {
  deepStrictEqual as assertEquals,
  ok as assert,
} from "node:assert/strict";
import axe from "axe-core";
import type { Browser, Page } from "playwright-core";
import {
  joinAs,
  joinBot,
  launchBrowser,
  openRoom,
  PAGE_TIMEOUT_MS,
  skipBrowserTests,
} from "./support/browser.ts";
import { type RunningApp, startApp } from "./support/app_server.ts";

const ignore = skipBrowserTests();
const AXE_SOURCE = (axe as unknown as { source: string }).source;

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** Runs axe in the page; returns the serious and critical violations. */
async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  await page.addScriptTag({ content: AXE_SOURCE });
  const violations = await page.evaluate(async () => {
    const result = await (globalThis as unknown as {
      axe: { run(): Promise<{ violations: AxeViolation[] }> };
    }).axe.run();
    return result.violations;
  });
  return violations.filter((v) =>
    v.impact === "serious" || v.impact === "critical"
  );
}

function describe(violations: AxeViolation[]): string {
  return violations.map((v) =>
    `${v.id} (${v.impact}): ${v.help} at ${
      v.nodes.map((n) => n.target.join(" ")).join(", ")
    }`
  ).join("\n");
}

Deno.test({
  name:
    "home page in Chromium: recent rooms, live active rooms; axe finds no serious violation on home and room",
  ignore,
  async fn(t) {
    let server: RunningApp | null = null;
    let browser: Browser | null = null;
    try {
      server = await startApp();
      browser = await launchBrowser();
      const url = server.url;
      const b = browser;
      const room = `a11y-${crypto.randomUUID().slice(0, 8)}`;

      await t.step(
        "recent rooms and active rooms on a short poll",
        async () => {
          const context = await b.newContext();
          const page = await openRoom(context, { url, room });
          await joinAs(page, "lena");
          await page.goto(url);
          await page.locator(".recent-list .room-link", { hasText: room })
            .waitFor();
          const active = page.locator(".room-list:not(.recent-list)");
          await active.locator(".room-link", { hasText: room }).waitFor();
          const other = `poll-${crypto.randomUUID().slice(0, 8)}`;
          const bot = await joinBot(url, { room: other, username: "mo" });
          await bot.say("hello");
          const item = active.locator(".room-link", { hasText: other });
          await item.waitFor({ timeout: PAGE_TIMEOUT_MS });
          assert((await item.textContent())?.includes("1 online"));
          assert((await item.textContent())?.includes("last message just now"));
          await bot.close();
          await page.getByRole("button", { name: "Clear recent rooms" })
            .click();
          await page.locator(".recent-list").waitFor({ state: "detached" });
          await context.close();
        },
      );

      const variants = [
        { colorScheme: "light", width: 1280 },
        { colorScheme: "dark", width: 360 },
      ] as const;
      for (const { colorScheme, width } of variants) {
        await t.step(
          `axe: home and room, ${colorScheme}, ${width} px`,
          async () => {
            const context = await b.newContext({
              bypassCSP: true,
              colorScheme,
              viewport: { width, height: 800 },
            });
            const page = await openRoom(context, { url, room });
            await joinAs(page, "nora");
            const bot = await joinBot(url, { room, username: "otto" });
            await bot.say("a link https://example.com and @nora mention");
            await page.locator("#chat-input").fill("my own message");
            await page.locator("#chat-input").press("Enter");
            await page.locator(".msg-own:not(.msg-pending)").first().waitFor();
            await page.locator(".mention-self").first().waitFor();
            const inRoom = await seriousViolations(page);
            assertEquals(inRoom, [], describe(inRoom));

            await page.goto(url);
            await page.locator("form.join-form[data-hydrated]").waitFor();
            await page.locator("#room-name").fill("bad name");
            await page.locator("#room-name-error:not(:empty)").waitFor();
            const home = await seriousViolations(page);
            assertEquals(home, [], describe(home));
            await bot.close();
            await context.close();
          },
        );
      }
    } finally {
      await browser?.close();
      await server?.stop();
    }
  },
});
