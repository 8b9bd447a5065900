/**
 * The clock of `deno task screenshots`: the server is started with
 * `--preload` of this file, so its clock starts at
 * {@linkcode SCREENSHOT_TIME} and runs 600 times slower; every message of the
 * scripted conversation is stamped 09:41 and the screenshots do not change
 * from one run to the next.
 */

/** 2026-03-14 09:41 UTC: the time the screenshots show. */
export const SCREENSHOT_TIME = Date.UTC(2026, 2, 14, 9, 41);
/** Real milliseconds per screenshot millisecond. */
const SLOWER = 600;

/** True when this module was preloaded into the server (its main module is `main.ts`). */
function preloaded(): boolean {
  return Deno.mainModule.endsWith("/main.ts");
}

if (preloaded()) {
  const realNow = Date.now;
  const start = realNow();
  Date.now = () => SCREENSHOT_TIME + Math.floor((realNow() - start) / SLOWER);
}
