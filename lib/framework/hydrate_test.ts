import assert from "node:assert/strict";
import { chromium } from "playwright-core";
import { serveFixture } from "../../tests/fixtures/framework/serve_fixture.ts";

const CHROMIUM = Deno.env.get("CHROMIUM_PATH") || "/usr/bin/chromium";
const missing = !Deno.env.get("CI") && !existsSync(CHROMIUM);

function existsSync(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}

Deno.test({
  name: "islands hydrate in Chromium under the CSP, with no errors",
  ignore: missing,
  async fn() {
    const server = await serveFixture();
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--headless", "--no-sandbox", "--disable-gpu"],
    });
    try {
      const page = await browser.newPage();
      const problems: string[] = [];
      page.on("console", (msg) => {
        if (msg.type() === "error" || msg.type() === "warning") {
          problems.push(msg.text());
        }
      });
      page.on("pageerror", (error) => problems.push(error.message));
      await page.goto(`${server.url}/`);
      const button = page.locator("island-root[data-island=counter] button");
      assert.equal(await button.textContent(), "3");
      const deadline = Date.now() + 10_000;
      while (await button.textContent() === "3" && Date.now() < deadline) {
        await button.click();
        await page.waitForTimeout(50);
      }
      assert.equal(await button.textContent(), "4", "hydrated");
      await button.click();
      assert.equal(await button.textContent(), "5");
      assert.equal(
        await page.locator("island-root").evaluate((el) =>
          getComputedStyle(el).display
        ),
        "contents",
      );
      assert.equal(await page.title(), "Home");

      await page.goto(`${server.url}/hello/%3C%2Fscript%3E%E2%80%A8`);
      assert.equal(
        await page.locator(".greeting").textContent(),
        "Hello, </script>\u2028",
      );
      const loaded = await page.evaluate(() =>
        performance.getEntriesByType("resource").map((e) => e.name)
      );
      assert.ok(loaded.some((u) => u.includes("/_islands/greeting-")));
      assert.ok(!loaded.some((u) => u.includes("/_islands/counter-")));
      assert.deepEqual(problems, []);
    } finally {
      await browser.close();
      await server.close();
    }
  },
});
