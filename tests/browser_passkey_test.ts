/** Passkeys end to end in real Chromium, with the DevTools protocol's virtual authenticator; the sign-in page's errors and accessibility. */
import assert from "node:assert/strict";
import axe from "axe-core";
import type { Browser, Page } from "playwright-core";
import {
  launchBrowser,
  PAGE_TIMEOUT_MS,
  skipBrowserTests,
  watchErrors,
} from "./support/browser.ts";
import { startApp } from "./support/app_server.ts";

const AXE_SOURCE = (axe as unknown as { source: string }).source;

/** One Chromium for both tests, launched on first use; each test closes its own contexts. */
let shared: Promise<Browser> | undefined;
Deno.test.afterAll(async () => {
  await (await shared)?.close();
});

async function me(page: Page): Promise<{ status: number; username?: string }> {
  return await page.evaluate(async () => {
    const res = await fetch("/api/auth/me");
    const body = await res.json();
    return { status: res.status, username: body.username };
  });
}

Deno.test({
  name:
    "passkeys in Chromium: create an account with a passkey alone, sign out, sign in with it",
  ignore: skipBrowserTests(),
  async fn() {
    const server = await startApp({ env: { HOSTNAME: "127.0.0.1" } });
    const base = `http://localhost:${server.port}`;
    const browser = await (shared ??= launchBrowser());
    try {
      const context = await browser.newContext();
      const page = await context.newPage();
      page.setDefaultTimeout(PAGE_TIMEOUT_MS);
      const errors = watchErrors(page);
      const cdp = await context.newCDPSession(page);
      await cdp.send("WebAuthn.enable");
      const { authenticatorId } = await cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
          options: {
            protocol: "ctap2",
            transport: "internal",
            hasResidentKey: true,
            hasUserVerification: true,
            isUserVerified: true,
            automaticPresenceSimulation: true,
          },
        },
      );
      await page.goto(`${base}/signin?next=%2Fchat%2Flobby`);
      await page.locator(".signin[data-hydrated]").waitFor();
      await page.getByRole("button", { name: "Create an account" }).click();
      await page.locator("#signin-name").fill("Pat Key");
      await page.getByRole("button", { name: "Create with a passkey" }).click();
      await page.waitForURL(`${base}/chat/lobby`);
      assert.deepEqual(await me(page), { status: 200, username: "Pat Key" });
      const { credentials } = await cdp.send("WebAuthn.getCredentials", {
        authenticatorId,
      });
      assert.equal(credentials.length, 1);
      assert.equal(credentials[0].isResidentCredential, true);

      const out = await page.evaluate(async () =>
        (await fetch("/api/auth/logout", { method: "POST" })).status
      );
      assert.equal(out, 204);
      assert.equal((await me(page)).status, 401);

      await page.goto(`${base}/signin`);
      await page.locator(".signin[data-hydrated]").waitFor();
      await page.getByRole("button", { name: "Sign in with a passkey" })
        .click();
      await page.waitForURL(`${base}/`);
      assert.deepEqual(await me(page), { status: 200, username: "Pat Key" });
      const after = await cdp.send("WebAuthn.getCredentials", {
        authenticatorId,
      });
      assert.ok(after.credentials[0].signCount >= 1, "the counter moved");

      await page.goto(`${base}/signin`);
      await page.locator(".signin[data-hydrated]").waitFor();
      await page.getByRole("button", { name: "Create an account" }).click();
      await page.locator("#signin-name").fill("pat key.");
      await page.getByRole("button", { name: "Create with a passkey" }).click();
      await page.locator("#signin-name-error:not(:empty)").waitFor();
      assert.match(
        await page.locator("#signin-name-error").innerText(),
        /taken/,
        "a look-alike of the passkey account is refused in place",
      );
      assert.equal(
        await page.evaluate(() => document.activeElement?.id),
        "signin-name",
      );
      assert.deepEqual(
        errors.filter((e) => !e.includes("Failed to load resource")),
        [],
        "no script error (answers 401 and 409 are logged by the browser)",
      );
    } finally {
      await Promise.all(browser.contexts().map((context) => context.close()));
      await server.stop();
    }
  },
});

Deno.test({
  name:
    "the sign-in page: errors in place by keyboard, password sign-up and sign-in, no serious axe violation",
  ignore: skipBrowserTests(),
  async fn() {
    const server = await startApp();
    const browser = await (shared ??= launchBrowser());
    try {
      const context = await browser.newContext({ bypassCSP: true });
      const page = await context.newPage();
      page.setDefaultTimeout(PAGE_TIMEOUT_MS);
      await page.goto(`${server.url}/signin`);
      await page.locator(".signin[data-hydrated]").waitFor();
      await page.locator("#signin-name").focus();
      await page.keyboard.type("alice");
      await page.keyboard.press("Tab");
      await page.keyboard.type("wrong password");
      await page.keyboard.press("Enter");
      await page.locator("#signin-password-error:not(:empty)").waitFor();
      assert.equal(
        await page.locator("#signin-password-error").innerText(),
        "That name and password do not match.",
      );
      assert.equal(
        await page.locator("#signin-password").getAttribute("aria-invalid"),
        "true",
      );
      assert.equal(
        await page.evaluate(() => document.activeElement?.id),
        "signin-password",
      );
      await page.getByRole("button", { name: "Create an account" }).click();
      await page.locator("#signin-password").fill("short");
      await page.locator("#signin-password").press("Enter");
      await page.locator("#signin-password-error:not(:empty)").waitFor();
      assert.match(
        await page.locator("#signin-password-error").innerText(),
        /at least 8/,
      );
      await page.locator("#signin-password").fill("long enough password");
      await page.locator("#signin-password").press("Enter");
      await page.waitForURL(`${server.url}/`);
      assert.deepEqual(await me(page), { status: 200, username: "alice" });

      await page.goto(`${server.url}/signin`);
      await page.locator(".signin[data-hydrated]").waitFor();
      await page.addScriptTag({ content: AXE_SOURCE });
      const violations = await page.evaluate(async () => {
        const result = await (globalThis as unknown as {
          axe: {
            run(): Promise<{ violations: { id: string; impact: string }[] }>;
          };
        }).axe.run();
        return result.violations;
      });
      const serious = violations.filter((v) =>
        v.impact === "serious" || v.impact === "critical"
      );
      assert.deepEqual(serious.map((v) => v.id), []);
    } finally {
      await Promise.all(browser.contexts().map((context) => context.close()));
      await server.stop();
    }
  },
});
