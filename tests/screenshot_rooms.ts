/**
 * Screenshots of rooms with access from the real pages in headless Chromium:
 * the owner's settings panel with an invite link, the invited person in the
 * room, the moderation menu, the muted person's notice, and a used-up invite,
 * into `docs/rooms-<moment>-<variant>.png`. `deno run -A tests/screenshot_rooms.ts [out-dir]`.
 * Names, clock and zone are fixed and the invite link (random code, random
 * port) is replaced by a fixed example, so a file is rewritten only when the page really changed.
 */
import type { Browser, Page } from "playwright-core";
import { launchBrowser } from "./support/browser.ts";
import { account } from "./support/rooms.ts";
import { roomsFlow, signedIn } from "./support/rooms_browser.ts";
import { SCREENSHOT_TIME } from "./support/screenshot_clock.ts";
import { startServer } from "./support/server.ts";
import { stableScreenshot, writeIfChanged } from "./screenshot.ts";

const CLOCK = new URL("./support/screenshot_clock.ts", import.meta.url);

/** The flow names people and rooms with `crypto.randomUUID()`: the same names on every run. */
function fixNames(): void {
  let count = 0;
  crypto.randomUUID = () => {
    const hex = (Math.imul(++count, 0x9e3779b1) >>> 0).toString(16)
      .padStart(8, "0");
    return `${hex}-0000-4000-8000-000000000000`;
  };
}

/** Every context of `browser` in UTC with the screenshots' fixed clock. */
function fixClock(browser: Browser): void {
  const open = browser.newContext.bind(browser);
  browser.newContext = async (options) => {
    const context = await open({ ...options, timezoneId: "UTC" });
    await context.clock.setFixedTime(SCREENSHOT_TIME + 5 * 60_000);
    return context;
  };
}

const VARIANTS = [
  {
    name: "desktop-light",
    viewport: { width: 1280, height: 1000 },
    dark: false,
  },
  { name: "phone-dark", viewport: { width: 390, height: 844 }, dark: true },
];

/** Runs the flow once per variant; writes the PNGs that changed into `outDir` and returns their paths. */
export async function takeRoomScreenshots(outDir: string): Promise<string[]> {
  fixNames();
  const server = await startServer({
    permissions: ["-A", `--preload=${CLOCK.pathname}`],
  });
  const browser = await launchBrowser();
  fixClock(browser);
  const written: string[] = [];
  try {
    for (const variant of VARIANTS) {
      const shoot = async (name: string, page: Page) => {
        const path = `${outDir}/rooms-${name}-${variant.name}.png`;
        await page.mouse.move(0, 0);
        const invite = page.getByLabel("Invite link", { exact: true });
        if (await invite.count()) {
          await invite.evaluate((el: HTMLInputElement) =>
            el.value = "https://chat.example/invite/mQ3v8ZrT2kLxW9pYc4HbNs"
          );
        }
        const png = await stableScreenshot(page);
        if (await writeIfChanged(browser, { path, png })) written.push(path);
      };
      const flow = await roomsFlow(browser, {
        url: server.url,
        viewport: variant.viewport,
        dark: variant.dark,
        shoot,
      });
      const made = await flow.ownerPage.evaluate(async (room) => {
        const res = await fetch(`/api/rooms/${room}/invites`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ maxUses: 1 }),
        });
        return (await res.json()).url as string;
      }, flow.room);
      await flow.guestPage.goto(`${server.url}${made}`);
      const late = await account(server.url, "Late");
      const context = await signedIn(browser, {
        url: server.url,
        who: late,
        viewport: variant.viewport,
        dark: variant.dark,
      });
      const page = await context.newPage();
      await page.goto(`${server.url}${made}`);
      await shoot("invite-used-up", page);
      await context.close();
      await flow.ownerPage.context().close();
      await flow.guestPage.context().close();
    }
  } finally {
    await browser.close();
    await server.stop();
  }
  return written;
}

if (import.meta.main) {
  const outDir = Deno.args[0] ?? "docs";
  const written = await takeRoomScreenshots(outDir);
  for (const path of written) console.log(`wrote ${path}`);
  if (written.length === 0) {
    console.log(`room screenshots in ${outDir} unchanged`);
  }
}
