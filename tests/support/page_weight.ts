/**
 * How much JavaScript each page loads, from the built assets
 * (`_build/assets.gen.ts`, written by `deno task build`): the boot module, the
 * page's islands and every chunk they import, raw and gzipped.
 *
 * CLI: `deno run -A tests/support/page_weight.ts [--json]`.
 */

import type { BuildOutput } from "../../lib/framework/types.ts";

/** One JavaScript file a page loads. */
export interface FileWeight {
  url: string;
  raw: number;
  gzip: number;
}

/** The JavaScript one page loads. */
export interface PageWeight {
  /** Short name of the page, e.g. `room`. */
  page: string;
  /** Island keys the page uses, as in the manifest. */
  islands: string[];
  files: FileWeight[];
  /** Sum of `files[].raw`, in bytes. */
  raw: number;
  /** Sum of `files[].gzip`, in bytes (each file compressed on its own, as served). */
  gzip: number;
  /** Budget for `gzip`, in bytes. */
  budget: number;
}

/** The pages measured by default, the islands each one renders, and their gzip budgets. */
export const PAGES: readonly {
  page: string;
  islands: string[];
  budget: number;
}[] = [
  {
    page: "home",
    islands: ["./islands/join_form.tsx", "./islands/home_rooms.tsx"],
    budget: 10_000,
  },
  { page: "room", islands: ["./islands/chat_room.tsx"], budget: 30_000 },
];

const IMPORT = /(?:\bimport|\bfrom)\s*\(?\s*["'](\.\/[^"']+)["']/g;

function bodyBytes(body: unknown): Uint8Array {
  if (typeof body === "string") return new TextEncoder().encode(body);
  return body as Uint8Array;
}

async function gzipSize(bytes: Uint8Array): Promise<number> {
  const stream = new Blob([bytes as BlobPart]).stream().pipeThrough(
    new CompressionStream("gzip"),
  );
  return (await new Response(stream).arrayBuffer()).byteLength;
}

/** Every JavaScript URL a page with `islands` loads: boot, islands, and the chunks they import (transitively). */
export function pageScripts(build: BuildOutput, islands: string[]): string[] {
  const pending = [
    build.boot,
    ...islands.map((key) => {
      const url = build.islands[key];
      if (!url) throw new Error(`no built island ${key}; run deno task build`);
      return url;
    }),
  ];
  const seen = new Set<string>();
  while (pending.length > 0) {
    const url = pending.pop()!;
    if (seen.has(url)) continue;
    const asset = build.assets[url];
    if (!asset) throw new Error(`missing asset ${url}`);
    seen.add(url);
    const text = new TextDecoder().decode(bodyBytes(asset.body));
    for (const match of text.matchAll(IMPORT)) {
      pending.push(new URL(match[1], `http://x${url}`).pathname);
    }
  }
  return [...seen].sort();
}

/** Raw and gzipped sizes of the JavaScript a page with `islands` loads. */
export async function pageWeight(
  build: BuildOutput,
  page: { page: string; islands: string[]; budget?: number },
): Promise<PageWeight> {
  const files: FileWeight[] = [];
  for (const url of pageScripts(build, page.islands)) {
    const bytes = bodyBytes(build.assets[url].body);
    files.push({ url, raw: bytes.byteLength, gzip: await gzipSize(bytes) });
  }
  return {
    page: page.page,
    islands: page.islands,
    files,
    raw: files.reduce((sum, f) => sum + f.raw, 0),
    gzip: files.reduce((sum, f) => sum + f.gzip, 0),
    budget: page.budget ?? Infinity,
  };
}

/** Reads `_build/assets.gen.ts` and measures every page of {@linkcode PAGES}. */
export async function measurePages(
  assetsModule: string | URL = new URL(
    "../../_build/assets.gen.ts",
    import.meta.url,
  ),
): Promise<PageWeight[]> {
  const build = (await import(String(assetsModule))).default as BuildOutput;
  return await Promise.all(PAGES.map((page) => pageWeight(build, page)));
}

/** "room: 21.3 kB gzip (58.0 kB raw), budget 30.0 kB" */
export function describeWeight(weight: PageWeight): string {
  const kb = (n: number) => `${(n / 1000).toFixed(1)} kB`;
  const verdict = weight.gzip <= weight.budget ? "within" : "OVER";
  return `${weight.page}: ${kb(weight.gzip)} gzip JS (${
    kb(weight.raw)
  } raw, ${weight.files.length} files), ${verdict} budget ${kb(weight.budget)}`;
}

if (import.meta.main) {
  const weights = await measurePages();
  if (Deno.args.includes("--json")) {
    console.log(JSON.stringify(weights, null, 2));
  } else {
    for (const weight of weights) console.log(describeWeight(weight));
  }
  if (weights.some((w) => w.gzip > w.budget)) Deno.exit(1);
}
