/** The rooms-with-access flow in Chromium, shared by the browser test and the screenshot script. */
import type { Browser, BrowserContext, Page } from "playwright-core";
import type { Account } from "./auth.ts";
import { PAGE_TIMEOUT_MS } from "./browser.ts";
import { account } from "./rooms.ts";

/** Called at the moments worth a screenshot. */
export type Shoot = (name: string, page: Page) => Promise<void>;

/** A browser context signed in as `who` (its session cookie). */
export async function signedIn(
  browser: Browser,
  options: {
    url: string;
    who: Account;
    viewport?: { width: number; height: number };
    dark?: boolean;
  },
): Promise<BrowserContext> {
  const context = await browser.newContext({
    viewport: options.viewport ?? { width: 1280, height: 800 },
    colorScheme: options.dark ? "dark" : "light",
    bypassCSP: true,
  });
  const [name, value] = options.who.cookie.split("=");
  await context.addCookies([{ name, value, url: options.url }]);
  return context;
}

/** A signed-in account's room page joins under its name by itself, with no name prompt. */
async function joinRoom(page: Page, name: string): Promise<void> {
  await page.locator(".status-online").waitFor();
  await page.locator(".composer-hint .self-name", { hasText: name }).waitFor();
}

/** What the flow leaves open for further checks. */
export interface RoomsFlow {
  room: string;
  owner: Account;
  guest: Account;
  ownerPage: Page;
  guestPage: Page;
  inviteUrl: string;
}

/**
 * Olga creates a private room from the home page, sets a topic and slow
 * mode, makes an invite link; Eve opens it and lands in the room; Olga mutes
 * Eve from the member list, and Eve sees the notice and cannot speak.
 */
export async function roomsFlow(
  browser: Browser,
  options: {
    url: string;
    viewport?: { width: number; height: number };
    dark?: boolean;
    shoot?: Shoot;
  },
): Promise<RoomsFlow> {
  const { url } = options;
  const shoot = options.shoot ?? (() => Promise.resolve());
  const owner = await account(url, "Olga");
  const guest = await account(url, "Eve");
  const room = `book-club-${crypto.randomUUID().slice(0, 4)}`;
  const ownerContext = await signedIn(browser, { ...options, who: owner });
  const ownerPage = await ownerContext.newPage();
  ownerPage.setDefaultTimeout(PAGE_TIMEOUT_MS);
  await ownerPage.goto(url);
  const form = ownerPage.locator(".create-room[data-hydrated]");
  await form.getByLabel("Room name").fill(room);
  await form.getByLabel("Private (invite only)").check();
  await form.getByLabel("Topic (optional)").fill("Chapter 3 on Thursday");
  await form.getByRole("button", { name: "Create room" }).click();
  await ownerPage.waitForURL(`**/chat/${room}`);
  await joinRoom(ownerPage, owner.username);
  await ownerPage.getByRole("button", { name: "Room settings" }).click();
  const dialog = ownerPage.getByRole("dialog", { name: /Room settings/ });
  await dialog.getByLabel("Slow mode").selectOption("30");
  await dialog.getByRole("button", { name: "Save settings" }).click();
  await dialog.getByText("Saved.").waitFor();
  await dialog.getByRole("button", { name: "Create link" }).click();
  const linkField = dialog.getByLabel("Invite link", { exact: true });
  await linkField.waitFor();
  const inviteUrl = await linkField.inputValue();
  await shoot("room-settings", ownerPage);
  await dialog.getByRole("button", { name: "Close" }).click();

  const guestContext = await signedIn(browser, { ...options, who: guest });
  const guestPage = await guestContext.newPage();
  guestPage.setDefaultTimeout(PAGE_TIMEOUT_MS);
  await guestPage.goto(inviteUrl);
  await guestPage.waitForURL(`**/chat/${room}`);
  await joinRoom(guestPage, guest.username);
  await guestPage.locator("#chat-input").fill("Hi! Thanks for the invite.");
  await guestPage.locator("#chat-input").press("Enter");
  await ownerPage.locator(".timeline").getByText("Thanks for the invite")
    .waitFor();
  await shoot("invite-joined", guestPage);

  await ownerPage.locator(".members-list").getByText(guest.username)
    .waitFor({ state: "attached" });
  if (await ownerPage.locator("#members-toggle").isVisible()) {
    await ownerPage.locator("#members-toggle").click();
  }
  await ownerPage.locator(".members-list").getByRole("button", {
    name: `Moderate ${guest.username}`,
  }).click();
  const menu = ownerPage.getByRole("dialog", { name: /Moderate/ });
  await menu.getByLabel(/Mute/).check();
  await menu.getByLabel("For how long").selectOption("3600");
  await menu.getByLabel(/Reason/).fill("Spoilers for chapter 4");
  await shoot("moderation-menu", ownerPage);
  await menu.getByRole("button", { name: "Mute" }).click();
  await guestPage.locator(".timeline").getByText(
    `${guest.username} was muted by`,
  )
    .waitFor();
  await shoot("muted-notice", guestPage);
  return { room, owner, guest, ownerPage, guestPage, inviteUrl };
}
