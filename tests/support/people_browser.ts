/** A room with a signed-in account and a guest side by side, in real Chromium: for the people browser test and the screenshots. */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { signUp } from "./auth.ts";
import { joinAs, PAGE_TIMEOUT_MS } from "./browser.ts";

/** What the scene leaves open. */
export interface PeopleScene {
  room: string;
  /** The account's page (signed in as "alice"). */
  account: Page;
  /** The guest's page ("bob"). */
  guest: Page;
  contexts: BrowserContext[];
}

/** A browser context of a viewport and scheme, signed in with `cookie` (`chat_session=<id>`) when given. */
export async function personContext(
  browser: Browser,
  options: {
    url: string;
    cookie?: string;
    viewport?: { width: number; height: number };
    dark?: boolean;
  },
): Promise<BrowserContext> {
  const context = await browser.newContext({
    viewport: options.viewport ?? { width: 1280, height: 800 },
    colorScheme: options.dark ? "dark" : "light",
    timezoneId: "UTC",
  });
  if (options.cookie) {
    const [name, value] = options.cookie.split("=");
    await context.addCookies([{ name, value, url: options.url }]);
  }
  return context;
}

/**
 * alice signs up and opens the room (joined at once, no name prompt), bob
 * joins as a guest, and each says something.
 */
export async function peopleScene(
  browser: Browser,
  options: {
    url: string;
    room: string;
    viewport?: { width: number; height: number };
    dark?: boolean;
  },
): Promise<PeopleScene> {
  const alice = await signUp(options.url, {
    username: "alice",
    password: "correct horse battery",
  });
  const accountContext = await personContext(browser, {
    ...options,
    cookie: alice.cookie,
  });
  const guestContext = await personContext(browser, options);
  const account = await accountContext.newPage();
  account.setDefaultTimeout(PAGE_TIMEOUT_MS);
  await account.goto(`${options.url}/chat/${options.room}`);
  await account.locator(".status-online").waitFor();
  const guest = await guestContext.newPage();
  guest.setDefaultTimeout(PAGE_TIMEOUT_MS);
  await guest.goto(`${options.url}/chat/${options.room}`);
  await joinAs(guest, "bob");
  const say = async (page: Page, text: string) => {
    await page.locator("#chat-input").fill(text);
    await page.locator("#chat-input").press("Enter");
    await account.locator(".timeline .msg:not(.msg-pending)", { hasText: text })
      .waitFor();
    await guest.locator(".timeline .msg:not(.msg-pending)", { hasText: text })
      .waitFor();
  };
  await say(guest, "Hi! I'm just visiting, no account.");
  await say(account, "Welcome, bob. My name is mine on this server.");
  await say(guest, "Nice badge.");
  return {
    room: options.room,
    account,
    guest,
    contexts: [accountContext, guestContext],
  };
}
