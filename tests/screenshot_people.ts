/**
 * Screenshots of accounts from the real pages in headless Chromium: `/signin`
 * with an error in place, and a room with a signed-in account and a guest
 * side by side, into `docs/people-<moment>-<variant>.png`.
 * `deno run -A tests/screenshot_people.ts [out-dir]`.
 */
import { launchBrowser } from "./support/browser.ts";
import { peopleScene, personContext } from "./support/people_browser.ts";
import { startServer } from "./support/server.ts";

const VARIANTS = [
  {
    name: "desktop-light",
    viewport: { width: 1280, height: 800 },
    dark: false,
  },
  { name: "phone-dark", viewport: { width: 390, height: 844 }, dark: true },
];

/** Writes the PNGs into `outDir`; returns their paths. */
export async function takePeopleScreenshots(outDir: string): Promise<string[]> {
  const browser = await launchBrowser();
  const written: string[] = [];
  try {
    for (const variant of VARIANTS) {
      const server = await startServer();
      try {
        const scene = await peopleScene(browser, {
          url: server.url,
          room: "lobby",
          viewport: variant.viewport,
          dark: variant.dark,
        });
        const room = `${outDir}/people-room-${variant.name}.png`;
        if (variant.viewport.width < 600) {
          await scene.account.locator("#members-toggle").click();
          await scene.account.locator(".members-open").waitFor();
        }
        await scene.account.screenshot({ path: room, animations: "disabled" });
        written.push(room);
        const guestView = `${outDir}/people-room-guest-${variant.name}.png`;
        await scene.guest.screenshot({
          path: guestView,
          animations: "disabled",
        });
        written.push(guestView);
        const context = await personContext(browser, {
          url: server.url,
          viewport: variant.viewport,
          dark: variant.dark,
        });
        const page = await context.newPage();
        await page.goto(`${server.url}/signin`);
        await page.locator(".signin[data-hydrated]").waitFor();
        await page.getByRole("button", { name: "Create an account" }).click();
        await page.locator("#signin-name").fill("\u0430lice");
        await page.locator("#signin-password").fill("a long password");
        await page.locator("#signin-password").press("Enter");
        await page.locator("#signin-name-error:not(:empty)").waitFor();
        const signin = `${outDir}/people-signin-${variant.name}.png`;
        await page.screenshot({ path: signin, animations: "disabled" });
        written.push(signin);
        for (const c of [...scene.contexts, context]) await c.close();
      } finally {
        await server.stop();
      }
    }
  } finally {
    await browser.close();
  }
  return written;
}

if (import.meta.main) {
  const outDir = Deno.args[0] ?? new URL("../docs", import.meta.url).pathname;
  for (const path of await takePeopleScreenshots(outDir)) {
    console.log(`wrote ${path}`);
  }
}
