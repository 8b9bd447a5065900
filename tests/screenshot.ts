/**
 * `deno task screenshots`: screenshots of a room in use, taken from the real
 * page in headless Chromium, into `docs/screenshot-{desktop,phone}-{light,dark}.png`.
 * `deno run -A tests/screenshot.ts [out-dir]`. The server and the pages run on
 * a fixed clock and zone, and a file is written only when its bytes change, so
 * a run with nothing changed leaves the tree clean.
 */

import type { Browser, Page, PageScreenshotOptions } from "playwright-core";
import { launchBrowser } from "./support/browser.ts";
import { SCREENSHOT_TIME } from "./support/screenshot_clock.ts";
import { startServer } from "./support/server.ts";

const CLOCK = new URL("./support/screenshot_clock.ts", import.meta.url);

type Speaker = "alice" | "bob" | "carol";

const CONVERSATION: [Speaker, string][] = [
  ["bob", "Morning! Did the deploy go out?"],
  ["alice", "Yes, about ten minutes ago. Health checks are green."],
  ["alice", "Dashboard: https://status.example.com/deploys/4812"],
  ["bob", "Nice. I'll keep an eye on the error rate for a bit."],
  [
    "carol",
    "@alice the changelog still says 2.3.0.\nCan you bump it before the release notes go out?",
  ],
  ["alice", "Good catch, fixing it now."],
  ["bob", "@carol I can write the release notes if you like."],
];

/** The variants written: name, viewport, colour scheme. */
export const VARIANTS = [
  { name: "desktop-light", width: 1280, height: 800, dark: false },
  { name: "desktop-dark", width: 1280, height: 800, dark: true },
  { name: "phone-light", width: 390, height: 844, dark: false },
  { name: "phone-dark", width: 390, height: 844, dark: true },
] as const;

async function join(page: Page, name: string): Promise<void> {
  await page.locator("#chat-name").fill(name);
  await page.locator("#chat-name").press("Enter");
  await page.locator(".status-online").waitFor();
}

async function openAs(
  browser: Browser,
  url: string,
  name: Speaker,
): Promise<Page> {
  const context = await browser.newContext({
    viewport: VARIANTS[0],
    timezoneId: "UTC",
  });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  await page.goto(url);
  await join(page, name);
  return page;
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

/** Most screenshots taken while waiting for two in a row to match. */
const STABLE_TRIES = 10;

/** A screenshot of `page` once it stops changing (two in a row alike), as Playwright's own screenshot assertions wait. */
export async function stableScreenshot(
  page: Page,
  options: PageScreenshotOptions = {},
): Promise<Uint8Array> {
  const shot = () => page.screenshot({ animations: "disabled", ...options });
  let previous = await shot();
  for (let i = 1; i < STABLE_TRIES; i++) {
    const next = await shot();
    if (equalBytes(previous, next)) return next;
    previous = next;
  }
  throw new Error(`the page kept changing over ${STABLE_TRIES} screenshots`);
}

/** A channel difference up to this is rasterizer noise between runs, not a change. */
const CHANNEL_TOLERANCE = 16;

function base64(bytes: Uint8Array): string {
  let text = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(text);
}

/** Pixels that differ by more than the noise between two PNGs, decoded by Chromium's canvas. */
export async function changedPixels(
  browser: Browser,
  pngs: [Uint8Array, Uint8Array],
): Promise<number> {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    return await page.evaluate(async ([a, b, tolerance]) => {
      const decode = async (data: string) => {
        const blob = await (await fetch(`data:image/png;base64,${data}`))
          .blob();
        const image = await createImageBitmap(blob, {
          colorSpaceConversion: "none",
          premultiplyAlpha: "none",
        });
        const canvas = new OffscreenCanvas(image.width, image.height);
        const context = canvas.getContext("2d")!;
        context.drawImage(image, 0, 0);
        return context.getImageData(0, 0, image.width, image.height);
      };
      const [x, y] = [await decode(a), await decode(b)];
      if (x.width !== y.width || x.height !== y.height) {
        return Math.max(x.width * x.height, y.width * y.height);
      }
      let changed = 0;
      for (let i = 0; i < x.data.length; i += 4) {
        for (let c = 0; c < 4; c++) {
          if (Math.abs(x.data[i + c] - y.data[i + c]) > tolerance) {
            changed++;
            break;
          }
        }
      }
      return changed;
    }, [base64(pngs[0]), base64(pngs[1]), CHANNEL_TOLERANCE] as const);
  } finally {
    await context.close();
  }
}

/** Writes `png` to `path` unless the file there shows the same pixels (up to rasterizer noise); true when it wrote. */
export async function writeIfChanged(
  browser: Browser,
  file: { path: string; png: Uint8Array },
): Promise<boolean> {
  const { path, png } = file;
  try {
    const old = await Deno.readFile(path);
    if (equalBytes(old, png)) return false;
    if ((await changedPixels(browser, [old, png])) === 0) return false;
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  await Deno.writeFile(path, png);
  return true;
}

/** Runs a scripted conversation on a fresh server; writes the PNG of each variant into `outDir` when it differs from the one there, and returns the paths written. */
export async function takeScreenshots(outDir: string): Promise<string[]> {
  const server = await startServer({
    permissions: ["-A", `--preload=${CLOCK.pathname}`],
  });
  const browser = await launchBrowser();
  const written: string[] = [];
  try {
    const url = `${server.url}/chat/deploys`;
    const pages = {} as Record<Speaker, Page>;
    for (const name of ["alice", "bob", "carol"] as const) {
      pages[name] = await openAs(browser, url, name);
    }
    for (const [speaker, text] of CONVERSATION) {
      const input = pages[speaker].locator("#chat-input");
      await input.fill(text);
      await input.press("Enter");
      await pages.alice.locator(".timeline .msg:not(.msg-pending)", {
        hasText: text.split("\n")[0],
      }).waitFor();
    }
    const state = await pages.alice.context().storageState();
    await Deno.mkdir(outDir, { recursive: true });
    for (const variant of VARIANTS) {
      const context = await browser.newContext({
        viewport: { width: variant.width, height: variant.height },
        colorScheme: variant.dark ? "dark" : "light",
        deviceScaleFactor: 1,
        storageState: state,
        timezoneId: "UTC",
      });
      await context.clock.setFixedTime(SCREENSHOT_TIME + 5 * 60_000);
      const page = await context.newPage();
      page.setDefaultTimeout(15_000);
      await page.goto(url);
      await page.locator(".status-online").waitFor();
      await new Promise((resolve) => setTimeout(resolve, 1100));
      await pages.bob.locator("#chat-input").pressSequentially("On it", {
        delay: 20,
      });
      await page.locator(".typing", { hasText: "bob is typing" }).waitFor();
      await pages.bob.locator("#chat-input").fill("");
      const path = `${outDir}/screenshot-${variant.name}.png`;
      const png = await stableScreenshot(page);
      if (await writeIfChanged(browser, { path, png })) written.push(path);
      await context.close();
    }
  } finally {
    await browser.close();
    await server.stop();
  }
  return written;
}

if (import.meta.main) {
  const outDir = Deno.args[0] ??
    new URL("../docs", import.meta.url).pathname;
  const written = await takeScreenshots(outDir);
  for (const path of written) console.log(`wrote ${path}`);
  if (written.length === 0) console.log(`screenshots in ${outDir} unchanged`);
}
