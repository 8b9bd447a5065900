/**
 * Reply, react, edit, delete, search and mention notifications in the room
 * page, in real headless Chromium against the real server, a second person
 * on a plain WebSocket. With `LIFECYCLE_SHOTS=<dir>` it also writes the
 * screenshots of docs/ (reactions, edited, reply, search results; desktop
 * light and phone dark).
 */

import assert from "node:assert/strict";
import type { Browser, BrowserContext, Locator, Page } from "playwright-core";
import {
  joinAs,
  joinBot,
  launchBrowser,
  openRoom,
  skipBrowserTests,
  watchErrors,
} from "./support/browser.ts";
import { describeWeight, measurePages } from "./support/page_weight.ts";
import { type RunningApp, startApp } from "./support/app_server.ts";
import type { Frame } from "./support/ws_client.ts";

const ignore = skipBrowserTests();
const shots = Deno.env.get("LIFECYCLE_SHOTS");

function message(page: Page, text: string): Locator {
  return page.locator(".msg", { hasText: text }).last();
}

/** Hovers a message and clicks one of its actions. */
async function act(page: Page, text: string, action: string): Promise<void> {
  const row = message(page, text);
  await row.hover();
  await row.locator(".msg-actions").getByRole("button", { name: action })
    .click();
}

/**
 * Clicks `target` and returns the text of the message it highlights. The
 * highlight lasts 2 s, less than a busy machine may take between the click
 * and a first look, so a watcher set before the click records it.
 */
async function highlightAfter(page: Page, target: Locator): Promise<string> {
  await page.evaluate(() => {
    const seen = window as unknown as { highlighted?: string };
    delete seen.highlighted;
    new MutationObserver((records, observer) => {
      for (const record of records) {
        const row = record.target as Element;
        if (row.classList.contains("msg-highlight")) {
          seen.highlighted = row.textContent ?? "";
          observer.disconnect();
          return;
        }
      }
    }).observe(document.body, { subtree: true, attributeFilter: ["class"] });
  });
  await target.click();
  const text = await page.waitForFunction(() =>
    (window as unknown as { highlighted?: string }).highlighted
  );
  return String(await text.jsonValue());
}

async function shoot(page: Page, name: string): Promise<void> {
  if (!shots) return;
  await page.mouse.move(1, 1);
  await page.screenshot({ path: `${shots}/${name}.png` });
}

Deno.test({
  name:
    "room page in Chromium: reply, react, edit in place, delete, search, mention notification",
  ignore,
  async fn(t) {
    let server: RunningApp | null = null;
    let browser: Browser | null = null;
    try {
      server = await startApp({ env: { CHAT_RATE_LIMIT: "off" } });
      browser = await launchBrowser();
      const room = `life-${crypto.randomUUID().slice(0, 8)}`;
      const bob = await joinBot(server.url, { room, username: "bob" });
      const carol = await joinBot(server.url, { room, username: "carol" });
      await bob.say("Can someone check the build on main?");
      await carol.say("The deploy dashboard is green again");
      const context: BrowserContext = await browser.newContext({
        viewport: { width: 1100, height: 760 },
      });
      await context.grantPermissions(["notifications"], {
        origin: server.url,
      });
      await context.addInitScript(() => {
        const Real = globalThis.Notification;
        const seen: string[] = [];
        (globalThis as unknown as { __notes: string[] }).__notes = seen;
        globalThis.Notification = class extends Real {
          constructor(title: string, options?: NotificationOptions) {
            super(title, options);
            seen.push(`${title}: ${options?.body}`);
          }
        };
      });
      const page = await openRoom(context, { url: server.url, room });
      const errors = watchErrors(page);
      await joinAs(page, "alice");

      await t.step("reply: quote above, jumps to the original", async () => {
        await act(page, "check the build", "Reply");
        await page.locator(".replying", { hasText: "bob" }).waitFor();
        assert.equal(
          await page.evaluate(() => document.activeElement?.id),
          "chat-input",
        );
        await page.locator("#chat-input").fill("On it, looking now");
        await page.locator("#chat-input").press("Enter");
        const reply = message(page, "On it, looking now");
        await reply.locator(".msg-reply", { hasText: "check the build" })
          .waitFor();
        const stored = await bob.client.next((f: Frame) =>
          f.type === "message" && f.text === "On it, looking now"
        );
        assert.equal(stored.reply.username, "bob");
        assert.equal(await page.locator(".replying").count(), 0);
        assert.match(
          await highlightAfter(page, reply.locator(".msg-reply")),
          /check the build/,
        );
      });

      await t.step("react: a bar with counts and who reacted", async () => {
        const row = message(page, "dashboard is green");
        await row.hover();
        await row.locator(".msg-react summary").click();
        await row.getByRole("button", { name: "React 🎉" }).click();
        const reaction = await bob.client.next((f: Frame) =>
          f.type === "reaction"
        );
        assert.equal(reaction.username, "alice");
        carol.client.send({
          type: "react",
          id: reaction.target,
          emoji: "🎉",
          on: true,
        });
        const button = row.locator(".reaction");
        await row.locator(".reaction", { hasText: "🎉 2" }).waitFor();
        assert.equal(await button.getAttribute("title"), "alice, carol");
        assert.equal(await button.getAttribute("aria-pressed"), "true");
        carol.client.send({
          type: "react",
          id: reaction.target,
          emoji: "👍",
          on: true,
        });
        await row.locator(".reaction", { hasText: "👍 1" }).waitFor();
        await shoot(page, "lifecycle-reactions");
        await button.first().click();
        await row.locator(".reaction", { hasText: "🎉 1" }).waitFor();
        assert.equal(
          await row.locator(".reaction").first().getAttribute("aria-pressed"),
          "false",
        );
      });

      await t.step("keyboard and long press show the actions", async () => {
        const row = message(page, "check the build");
        await page.mouse.move(1, 1);
        const opacity = () =>
          row.locator(".msg-actions").evaluate((el) =>
            getComputedStyle(el).opacity
          );
        await row.getByRole("button", { name: "Reply" }).focus();
        assert.equal(await opacity(), "1");
        await page.locator("#chat-input").focus();
        assert.equal(await opacity(), "0");
        await row.dispatchEvent("pointerdown", { pointerType: "touch" });
        await page.locator(".msg-pressed", { hasText: "check the build" })
          .waitFor();
        assert.equal(await opacity(), "1");
      });

      await t.step(
        "edit in place: Up arrow, Escape cancels, Enter saves",
        async () => {
          const input = page.locator("#chat-input");
          await input.focus();
          await input.press("ArrowUp");
          const box = page.locator(".edit-input");
          await box.waitFor();
          assert.equal(await box.inputValue(), "On it, looking now");
          await box.press("Escape");
          await box.waitFor({ state: "detached" });
          assert.equal(
            await page.evaluate(() => document.activeElement?.id),
            "chat-input",
          );
          await input.press("ArrowUp");
          await box.fill("On it, the build is fixed");
          await box.press("Enter");
          const edited = await bob.client.next((f: Frame) =>
            f.type === "edited"
          );
          assert.equal(edited.text, "On it, the build is fixed");
          const row = message(page, "the build is fixed");
          const mark = row.locator(".msg-edited");
          await mark.waitFor();
          assert.match((await mark.getAttribute("title"))!, /^Edited /);
          await page.mouse.move(1, 1);
          await shoot(page, "lifecycle-edited-reply");
        },
      );

      await t.step("delete asks first, then leaves a tombstone", async () => {
        let dialogs = 0;
        const answer = { accept: false };
        page.on("dialog", (dialog) => {
          dialogs++;
          void (answer.accept ? dialog.accept() : dialog.dismiss());
        });
        await page.locator("#chat-input").fill("typo, delete me");
        await page.locator("#chat-input").press("Enter");
        await message(page, "typo, delete me").locator(".msg-time").waitFor();
        await act(page, "typo, delete me", "Delete");
        assert.equal(dialogs, 1);
        answer.accept = true;
        await act(page, "typo, delete me", "Delete");
        await bob.client.next((f: Frame) => f.type === "deleted");
        await page.locator(".msg-deleted", {
          hasText: "This message was deleted.",
        }).waitFor();
        assert.equal(await page.locator("text=typo, delete me").count(), 0);
        assert.equal(dialogs, 2);
      });

      await t.step("search: results in the header, jump to one", async () => {
        for (let i = 0; i < 30; i++) await bob.say(`filler message ${i}`);
        const search = page.locator("#room-search");
        await search.fill("BUILD main");
        await search.press("Enter");
        const hits = page.locator(".search-hit");
        await hits.first().waitFor();
        assert.equal(await hits.count(), 1);
        assert.match(await hits.first().innerText(), /check the build/);
        await page.locator(".search-status", { hasText: "1 message found" })
          .waitFor();
        await shoot(page, "lifecycle-search");
        assert.match(
          await highlightAfter(page, hits.first()),
          /check the build/,
        );
        assert.equal(await hits.count(), 0, "results close after a jump");
        await search.fill("nothing-like-this");
        await search.press("Enter");
        await page.locator(".search-status", { hasText: "No message" })
          .waitFor();
        await search.press("Escape");
        await page.locator(".search-results").waitFor({ state: "detached" });
      });

      await t.step(
        "a mention while hidden makes a desktop notification",
        async () => {
          await page.evaluate(() => {
            Object.defineProperty(document, "hidden", { get: () => true });
          });
          await bob.say("@alice can you look at this?");
          await page.waitForFunction(() =>
            (globalThis as unknown as { __notes: string[] }).__notes.length > 0
          );
          const notes = await page.evaluate(() =>
            (globalThis as unknown as { __notes: string[] }).__notes
          );
          assert.deepEqual(notes, [
            `bob in #${room}: @alice can you look at this?`,
          ]);
          await bob.say("no mention here");
          await message(page, "no mention here").waitFor();
          assert.equal(
            await page.evaluate(() =>
              (globalThis as unknown as { __notes: string[] }).__notes.length
            ),
            1,
          );
        },
      );

      if (shots) {
        await t.step("phone, dark", async () => {
          const phone = await browser!.newContext({
            viewport: { width: 390, height: 844 },
            colorScheme: "dark",
            hasTouch: true,
            isMobile: true,
          });
          const small = await openRoom(phone, { url: server!.url, room });
          await joinAs(small, "dora");
          await message(small, "dashboard is green").locator(".reaction")
            .first().waitFor();
          await message(small, "dashboard is green").scrollIntoViewIfNeeded();
          await shoot(small, "lifecycle-phone-dark");
          await phone.close();
        });
      }
      assert.deepEqual(errors, []);
      await Promise.all([bob.close(), carol.close()]);
      await context.close();
    } finally {
      await browser?.close();
      await server?.stop();
    }
  },
});

Deno.test("room page JavaScript stays within its gzip budget with the life cycle UI", async () => {
  for (const page of await measurePages()) {
    assert.ok(page.gzip <= page.budget, describeWeight(page));
  }
});
