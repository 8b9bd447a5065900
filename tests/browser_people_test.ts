/** Accounts and guests in the real room page: no name prompt when signed in, badges in words, who you are in the header. */
import assert from "node:assert/strict";
import {
  launchBrowser,
  PAGE_TIMEOUT_MS,
  skipBrowserTests,
  watchErrors,
} from "./support/browser.ts";
import { peopleScene } from "./support/people_browser.ts";
import { SIGNED_OUT_ALERT } from "../lib/client/chat_client.ts";
import { startApp } from "./support/app_server.ts";

Deno.test({
  name:
    "a signed-in room page joins without a name prompt; accounts and guests are told apart by a badge",
  ignore: skipBrowserTests(),
  async fn() {
    const server = await startApp();
    const browser = await launchBrowser();
    try {
      const scene = await peopleScene(browser, {
        url: server.url,
        room: "people",
      });
      const { account, guest } = scene;
      const errors = watchErrors(account);
      assert.equal(
        await account.locator("#chat-name").count(),
        0,
        "no name prompt",
      );
      await account.locator(".members-list li", { hasText: "bob" }).waitFor();
      const members = account.locator(".members-list li");
      assert.match(
        await members.filter({ hasText: "alice" }).innerText(),
        /alice\s*account/,
      );
      assert.equal(
        await members.filter({ hasText: "bob" }).locator(".kind-badge").count(),
        0,
      );
      const fromAlice = guest.locator(".timeline .msg", {
        hasText: "My name is mine",
      });
      assert.equal(
        await fromAlice.locator(".kind-badge").innerText(),
        "account",
        "the account's message carries the badge on the guest's page",
      );
      const fromBob = account.locator(".timeline .msg", {
        hasText: "Nice badge",
      });
      assert.equal(await fromBob.locator(".kind-badge").count(), 0);
      assert.match(
        await account.locator(".account-menu").innerText(),
        /Signed in as alice/,
      );
      assert.match(await guest.locator(".account-menu").innerText(), /Sign in/);

      const otherTab = await scene.contexts[0].newPage();
      await otherTab.goto(account.url());
      await otherTab.locator(".members-list li", { hasText: "alice" })
        .waitFor({ timeout: PAGE_TIMEOUT_MS });
      await account.getByRole("button", { name: "Sign out" }).click();
      await account.locator(".account-menu a", { hasText: "Sign in" }).waitFor({
        timeout: PAGE_TIMEOUT_MS,
      });
      await otherTab.locator(".alert", { hasText: SIGNED_OUT_ALERT }).waitFor({
        timeout: PAGE_TIMEOUT_MS,
      });
      assert.deepEqual(errors.filter((e) => !e.includes("Failed to load")), []);
      for (const context of scene.contexts) await context.close();
    } finally {
      await browser.close();
      await server.stop();
    }
  },
});
