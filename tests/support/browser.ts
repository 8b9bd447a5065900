/** Headless Chromium for the browser tests, through npm `playwright-core`. */

import { type Browser, chromium } from "playwright-core";

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
