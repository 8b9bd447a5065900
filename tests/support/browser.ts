/** Headless Chromium for the browser tests, through npm `playwright-core`. */

import {
  type Browser,
  type BrowserContext,
  chromium,
  type Page,
} from "playwright-core";
import { connect, type TestClient } from "./ws_client.ts";

/** Flags that keep Chromium quiet, offline and sandbox-free in containers. */
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** `CHROMIUM_PATH`, or Debian's `/usr/bin/chromium`. */
export function chromiumPath(): string {
  return Deno.env.get("CHROMIUM_PATH") || "/usr/bin/chromium";
}

/** Why the browser tests cannot run here, or null when Chromium is present. */
export function chromiumMissing(): string | null {
  const path = chromiumPath();
  try {
    const info = Deno.statSync(path);
    return info.isFile ? null : `${path} is not a file`;
  } catch {
    return `Chromium not found at ${path} (set CHROMIUM_PATH)`;
  }
}

/**
 * True when the browser tests should be skipped: Chromium is missing and `CI`
 * is not set. Under CI a missing browser is a failure, never a skip.
 */
export function skipBrowserTests(): boolean {
  const reason = chromiumMissing();
  if (reason === null || Deno.env.get("CI")) return false;
  console.warn(`browser tests skipped: ${reason}`);
  return true;
}

/** Launches headless Chromium; close it in a `finally`. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    args: CHROMIUM_ARGS,
    headless: true,
  });
}

/** Default timeout of page actions in the browser tests: generous, for a busy 2-core machine. */
export const PAGE_TIMEOUT_MS = 30_000;

/** Opens `/chat/<room>` in a new page of `context`. */
export async function openRoom(
  context: BrowserContext,
  options: { url: string; room: string },
): Promise<Page> {
  const page = await context.newPage();
  page.setDefaultTimeout(PAGE_TIMEOUT_MS);
  await page.goto(`${options.url}/chat/${options.room}`);
  return page;
}

/** Types a name into the room's name form and waits until connected. */
export async function joinAs(page: Page, name: string): Promise<void> {
  await page.locator("#chat-name").fill(name);
  await page.locator("#chat-name").press("Enter");
  await page.locator(".status-online").waitFor();
}

/** Collects uncaught errors and console errors (CSP violations among them). */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(`pageerror: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(`console: ${message.text()}`);
  });
  return errors;
}

/** A person in a room driven over a plain WebSocket, for the browser tests. */
export interface Bot {
  client: TestClient;
  /** Sends a message and waits until it is stored. */
  say(text: string): Promise<void>;
  close(): Promise<void>;
}

/** Joins `room` as `username` over a WebSocket. */
export async function joinBot(
  url: string,
  options: { room: string; username: string },
): Promise<Bot> {
  const client = await connect(url, `/api/rooms/${options.room}/ws`);
  const welcome = await client.join(options.username);
  if (welcome.type !== "welcome") {
    throw new Error(`bot could not join: ${JSON.stringify(welcome)}`);
  }
  return {
    client,
    async say(text) {
      const nonce = crypto.randomUUID();
      client.send({ type: "message", text, nonce });
      await client.next(
        (f) => f.type === "message" && f.nonce === nonce,
        PAGE_TIMEOUT_MS,
      );
    },
    close: () => client.close(),
  };
}
