/**
 * Screenshots of rooms with access from the real pages in headless Chromium:
 * the owner's settings panel with an invite link, the invited person in the
 * room, the moderation menu, the muted person's notice, and a used-up invite,
 * into `docs/rooms-<moment>-<variant>.png`. `deno run -A tests/screenshot_rooms.ts [out-dir]`.
 */
import { launchBrowser } from "./support/browser.ts";
import { account } from "./support/rooms.ts";
import { roomsFlow, signedIn } from "./support/rooms_browser.ts";
import { startServer } from "./support/server.ts";

const VARIANTS = [
  {
    name: "desktop-light",
    viewport: { width: 1280, height: 1000 },
    dark: false,
  },
  { name: "phone-dark", viewport: { width: 390, height: 844 }, dark: true },
];

/** Runs the flow once per variant and writes the PNGs into `outDir`. */
export async function takeRoomScreenshots(outDir: string): Promise<string[]> {
  const server = await startServer();
  const browser = await launchBrowser();
  const written: string[] = [];
  try {
    for (const variant of VARIANTS) {
      const shoot = async (
        name: string,
        page: import("playwright-core").Page,
      ) => {
        const path = `${outDir}/rooms-${name}-${variant.name}.png`;
        await page.screenshot({ path });
        written.push(path);
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
  for (const path of await takeRoomScreenshots(outDir)) console.log(path);
}
