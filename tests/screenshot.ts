/**
 * Takes a screenshot of a room in use (two people talking) into
 * docs/screenshot.png: `deno run -A tests/screenshot.ts [out.png] [--width=1280]
 * [--height=800] [--dark]`.
 */

import type { Page } from "playwright-core";
import { launchBrowser } from "./support/browser.ts";
import { startServer } from "./support/server.ts";

const CONVERSATION: [speaker: "alice" | "bob", text: string][] = [
  ["alice", "Morning! Did the deploy go out?"],
  ["bob", "Yes, about ten minutes ago. Health checks are green."],
  ["alice", "Nice. I'll keep an eye on the error rate for a bit."],
  [
    "bob",
    "Sounds good.\nIf anything looks odd, ping me here and I'll roll back.",
  ],
  ["alice", "Will do. Thanks!"],
];

function flag(name: string): string | undefined {
  const prefix = `--${name}=`;
  return Deno.args.find((arg) => arg.startsWith(prefix))?.slice(prefix.length);
}

async function join(page: Page, name: string): Promise<void> {
  await page.locator("#chat-name").fill(name);
  await page.locator("#chat-name").press("Enter");
  await page.locator(".status-online").waitFor();
}

async function main(): Promise<void> {
  const out = Deno.args.find((arg) => !arg.startsWith("--")) ??
    new URL("../docs/screenshot.png", import.meta.url).pathname;
  const viewport = {
    width: Number(flag("width") ?? 1280),
    height: Number(flag("height") ?? 800),
  };
  const colorScheme = Deno.args.includes("--dark") ? "dark" : "light";
  const server = await startServer();
  const browser = await launchBrowser();
  try {
    const room = "deploys";
    const pages: Record<string, Page> = {};
    for (const name of ["alice", "bob"]) {
      const context = await browser.newContext({
        viewport,
        colorScheme,
        deviceScaleFactor: 1,
      });
      const page = await context.newPage();
      page.setDefaultTimeout(15_000);
      await page.goto(`${server.url}/chat/${room}`);
      await join(page, name);
      pages[name] = page;
    }
    for (const [speaker, text] of CONVERSATION) {
      const input = pages[speaker].locator("#chat-input");
      await input.fill(text);
      await input.press("Enter");
      await pages.alice.locator(".timeline .msg:not(.msg-pending)", {
        hasText: text.split("\n")[0],
      }).waitFor();
    }
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await pages.bob.locator("#chat-input").pressSequentially("On it", {
      delay: 30,
    });
    await pages.alice.locator(".typing", { hasText: "bob is typing" })
      .waitFor();
    await Deno.mkdir(new URL(".", `file://${out}`).pathname, {
      recursive: true,
    });
    await pages.alice.screenshot({ path: out });
    console.log(`wrote ${out}`);
  } finally {
    await browser.close();
    await server.stop();
  }
}

if (import.meta.main) await main();
