/** Rooms with access in Chromium: create from home, settings, invite link, moderation menu, notices, a used-up invite; axe on the dialogs. */
import assert from "node:assert/strict";
import axe from "axe-core";
import type { Page } from "playwright-core";
import { launchBrowser, skipBrowserTests } from "./support/browser.ts";
import { account } from "./support/rooms.ts";
import { roomsFlow, signedIn } from "./support/rooms_browser.ts";
import { withApp } from "./support/app_server.ts";

const AXE_SOURCE = (axe as unknown as { source: string }).source;

async function seriousViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ content: AXE_SOURCE });
  const violations = await page.evaluate(async () => {
    const result = await (globalThis as unknown as {
      axe: {
        run(): Promise<{ violations: { id: string; impact: string | null }[] }>;
      };
    }).axe.run();
    return result.violations;
  });
  return violations.filter((v) =>
    v.impact === "serious" || v.impact === "critical"
  ).map((v) => v.id);
}

Deno.test({
  name: "rooms with access in Chromium, desktop and phone",
  ignore: skipBrowserTests(),
  fn: () =>
    withApp({}, async (server) => {
      const browser = await launchBrowser();
      try {
        for (
          const variant of [
            { viewport: { width: 1280, height: 800 }, dark: false },
            { viewport: { width: 390, height: 844 }, dark: true },
          ]
        ) {
          const flow = await roomsFlow(browser, {
            url: server.url,
            ...variant,
          });
          const { guestPage, ownerPage } = flow;
          await guestPage.locator("#chat-input, textarea").first().fill(
            "can I talk?",
          );
          await guestPage.locator("#chat-input, textarea").first().press(
            "Enter",
          );
          await guestPage.getByText("You are muted in this room").first()
            .waitFor();
          assert.deepEqual(await seriousViolations(ownerPage), []);
          if (await ownerPage.locator(".members-close").isVisible()) {
            await ownerPage.locator(".members-close").click();
          }
          await ownerPage.locator(".timeline").getByRole("button", {
            name: `Moderate ${flow.guest.username}`,
          }).first().click();
          const menu = ownerPage.getByRole("dialog", { name: /Moderate/ });
          await menu.getByLabel(/Unmute/).check();
          await menu.getByRole("button", { name: "Unmute" }).click();
          await guestPage.locator(".timeline")
            .getByText(`${flow.guest.username} was unmuted by`)
            .waitFor();
          await guestPage.locator("#chat-input").fill("one more");
          await guestPage.locator("#chat-input").press("Enter");
          await guestPage.getByText(/Slow mode: one message every 30 s/)
            .first().waitFor();
          await ownerPage.evaluate(async (room) => {
            await fetch(`/api/rooms/${room}`, {
              method: "PATCH",
              headers: { "content-type": "application/json" },
              body: JSON.stringify({ slowModeS: 0 }),
            });
          }, flow.room);
          await guestPage.locator("#chat-input").fill("thank you");
          await guestPage.locator("#chat-input").press("Enter");
          await ownerPage.locator(".timeline").getByText("thank you").waitFor();
          await ownerPage.getByRole("button", { name: "Room settings" })
            .click();
          await ownerPage.getByRole("button", { name: "Show the audit log" })
            .click();
          await ownerPage.locator(".audit-list li").first().waitFor();
          assert.match(
            await ownerPage.locator(".audit-list li").first().innerText(),
            /muted/,
          );
          assert.deepEqual(await seriousViolations(ownerPage), []);
          await ownerPage.keyboard.press("Escape");
          assert.equal(await ownerPage.locator("dialog[open]").count(), 0);
          const late = await account(server.url, "late");
          const lateContext = await signedIn(browser, {
            url: server.url,
            who: late,
          });
          const latePage = await lateContext.newPage();
          const made = await ownerPage.evaluate(async (room) => {
            const res = await fetch(`/api/rooms/${room}/invites`, {
              method: "POST",
              headers: { "content-type": "application/json" },
              body: JSON.stringify({ maxUses: 1 }),
            });
            return (await res.json()).url as string;
          }, flow.room);
          await ownerPage.context().clearCookies();
          const first = await guestPage.goto(`${server.url}${made}`);
          assert.equal(first?.status(), 200);
          const gone = await latePage.goto(`${server.url}${made}`);
          assert.equal(gone?.status(), 410);
          await latePage.getByRole("heading", {
            name: "This invite link has ended",
          }).waitFor();
          assert.deepEqual(await seriousViolations(latePage), []);
          const outsider = await latePage.goto(
            `${server.url}/chat/${flow.room}`,
          );
          assert.equal(outsider?.status(), 404);
          await Promise.all([
            ownerPage.context().close(),
            guestPage.context().close(),
            lateContext.close(),
          ]);
        }
      } finally {
        await browser.close();
      }
    }),
});
