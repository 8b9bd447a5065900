import { dirname, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import type { Asset, BuildOutput } from "./types.ts";
import { islandName, parseRoute } from "./router.ts";

/** Options of {@linkcode build}. */
export interface BuildOptions {
  /** Project root holding `routes/`, `islands/` and `static/`; defaults to this repository. */
  root?: string | URL;
  /** Where `assets.gen.ts` goes; defaults to `<root>/_build`. */
  outDir?: string;
  /** Print no summary line. */
  quiet?: boolean;
}

/** What {@linkcode build} wrote. */
export interface BuildResult {
  /** Path of `manifest.gen.ts`. */
  manifestPath: string;
  /** Path of `assets.gen.ts`. */
  assetsPath: string;
  output: BuildOutput;
  /** The one-line summary. */
  summary: string;
}

const HERE = dirname(fileURLToPath(import.meta.url));
const BOOT = join(HERE, "client", "boot.ts");
const ISLAND_CSS = join(HERE, "client", "islands.css");
const TYPES = join(HERE, "types.ts");
const MODULE_FILE = /\.(?:tsx|ts|jsx|js)$/;
const NOT_MODULE = /(?:_test\.[jt]sx?|\.d\.ts)$/;

const CONTENT_TYPES: Record<string, string> = {
  css: "text/css; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  mjs: "text/javascript; charset=utf-8",
  json: "application/json; charset=utf-8",
  map: "application/json; charset=utf-8",
  webmanifest: "application/manifest+json; charset=utf-8",
  html: "text/html; charset=utf-8",
  txt: "text/plain; charset=utf-8",
  xml: "application/xml; charset=utf-8",
  svg: "image/svg+xml; charset=utf-8",
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  gif: "image/gif",
  webp: "image/webp",
  avif: "image/avif",
  ico: "image/x-icon",
  woff: "font/woff",
  woff2: "font/woff2",
  wasm: "application/wasm",
};

/** Content type for a file name, by extension; `application/octet-stream` when unknown. */
export function contentTypeOf(name: string): string {
  const ext = name.slice(name.lastIndexOf(".") + 1).toLowerCase();
  return CONTENT_TYPES[ext] ?? "application/octet-stream";
}

/** Generates `manifest.gen.ts`, bundles the islands and writes `assets.gen.ts`. */
export async function build(options: BuildOptions = {}): Promise<BuildResult> {
  const started = performance.now();
  const root = typeof options.root === "string"
    ? options.root
    : fileURLToPath(options.root ?? new URL("../../", import.meta.url));
  const outDir = options.outDir ?? join(root, "_build");

  const routes = (await listFiles(join(root, "routes"))).filter(isModule);
  const islands = (await listFiles(join(root, "islands"))).filter(isModule);
  const routeKeys = routes.map((f) => `./routes/${f}`);
  const islandKeys = islands.map((f) => `./islands/${f}`);
  const manifestPath = join(root, "manifest.gen.ts");
  await writeIfChanged(
    manifestPath,
    manifestSource({
      routes: routeKeys,
      islands: islandKeys,
      typesPath: importPath(root, TYPES),
    }),
  );

  const assets: Record<string, Asset> = {};
  const bundled = await bundle(root, islandKeys);
  const islandUrls: Record<string, string> = {};
  let boot = "";
  for (const file of bundled) {
    const hashed = file.entry
      ? `${file.entry.name}-${(await sha256(file.body)).slice(0, 8)}.js`
      : file.name;
    const url = `/_islands/${hashed}`;
    assets[url] = await asset(file.body, "x.js", true);
    if (file.entry?.key) islandUrls[file.entry.key] = url;
    else if (file.entry) boot = url;
  }
  const css = await Deno.readFile(ISLAND_CSS);
  const cssUrl = `/_islands/islands-${(await sha256(css)).slice(0, 8)}.css`;
  assets[cssUrl] = await asset(css, "x.css", true);
  const bundleBytes = await sizes(Object.values(assets));

  const staticFiles = await listFiles(join(root, "static"));
  const staticAssets: Asset[] = [];
  for (const file of staticFiles) {
    const body = await Deno.readFile(join(root, "static", file));
    const item = await asset(body, file, false);
    assets[`/${file}`] = item;
    staticAssets.push(item);
  }
  const staticBytes = await sizes(staticAssets);

  const output: BuildOutput = {
    assets,
    islands: islandUrls,
    boot,
    css: cssUrl,
  };
  await Deno.mkdir(outDir, { recursive: true });
  const assetsPath = join(outDir, "assets.gen.ts");
  await writeIfChanged(
    assetsPath,
    assetsSource(output, importPath(outDir, TYPES)),
  );

  const ms = Math.round(performance.now() - started);
  const routeCount = routeKeys.filter((key) => parseRoute(key)).length;
  const summary = `build: ${routeCount} routes, ${islandKeys.length} ` +
    `islands → ${bundled.length + 1} bundle files ${kb(bundleBytes.raw)} ` +
    `(${kb(bundleBytes.gzip)} gzip), ${staticFiles.length} static files ` +
    `${kb(staticBytes.raw)} (${kb(staticBytes.gzip)} gzip) in ${ms} ms`;
  if (!options.quiet) console.log(summary);
  return { manifestPath, assetsPath, output, summary };
}

/** Options of {@linkcode manifestSource}. */
export interface ManifestSourceOptions {
  /** Route keys, e.g. `./routes/index.tsx`. */
  routes: string[];
  /** Island keys, e.g. `./islands/chat_room.tsx`. */
  islands: string[];
  /** Import path of `lib/framework/types.ts` from the project root. */
  typesPath: string;
}

/** Source of `manifest.gen.ts`, formatted as `deno fmt` would. */
export function manifestSource(options: ManifestSourceOptions): string {
  const { routes, islands, typesPath } = options;
  const lines = [
    "// DO NOT EDIT. Generated by lib/framework/build.ts (`deno task build`).",
    "",
  ];
  const all = [...routes, ...islands];
  all.forEach((key, i) => lines.push(`import * as $${i} from "${key}";`));
  lines.push(`import type { Manifest } from "${typesPath}";`, "");
  const entries = (keys: string[], offset: number) =>
    keys.length === 0
      ? " {},"
      : ` {\n${
        keys.map((key, i) => `    "${key}": $${offset + i},`).join("\n")
      }\n  },`;
  lines.push(
    "export default {",
    `  routes:${entries(routes, 0)}`,
    `  islands:${entries(islands, routes.length)}`,
    "  baseUrl: import.meta.url,",
    "} satisfies Manifest;",
    "",
  );
  return lines.join("\n");
}

interface BundledFile {
  name: string;
  body: Uint8Array;
  /** Set for entry points: the island key (none for boot) and its base name. */
  entry?: { key?: string; name: string };
}

async function bundle(root: string, islandKeys: string[]) {
  const tmp = await Deno.makeTempDir({ prefix: "framework_build_" });
  try {
    const inDir = join(tmp, "in");
    const outDir = join(tmp, "out");
    await Deno.mkdir(inDir);
    const entries = new Map<string, { key?: string; name: string }>();
    const stub = async (name: string, code: string, key?: string) => {
      if (entries.has(`${name}.js`)) throw new Error(`two islands: ${name}`);
      entries.set(`${name}.js`, { key, name });
      await Deno.writeTextFile(join(inDir, `${name}.ts`), code);
    };
    await stub("boot", `import ${JSON.stringify(fileUrl(BOOT))};\n`);
    for (const key of islandKeys) {
      const name = islandName(key).replaceAll("/", "_");
      const target = fileUrl(join(root, key));
      await stub(
        name === "boot" ? "boot_island" : name,
        `export { default } from ${JSON.stringify(target)};\n`,
        key,
      );
    }
    const { success, stderr } = await new Deno.Command(Deno.execPath(), {
      args: [
        "bundle",
        "--platform=browser",
        "--code-splitting",
        "--minify",
        "--outdir",
        outDir,
        ...[...entries.keys()].map((f) => join(inDir, f.replace(/js$/, "ts"))),
      ],
      cwd: root,
      env: { NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!success) {
      throw new Error(
        `deno bundle failed:\n${new TextDecoder().decode(stderr)}`,
      );
    }
    const files: BundledFile[] = [];
    for (const name of await listFiles(outDir)) {
      const body = await Deno.readFile(join(outDir, name));
      files.push({ name, body, entry: entries.get(name) });
    }
    return files;
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
}

function assetsSource(output: BuildOutput, typesPath: string): string {
  const lines = [
    "// DO NOT EDIT. Generated by lib/framework/build.ts (`deno task build`).",
    `import type { BuildOutput } from ${JSON.stringify(typesPath)};`,
    "",
    "function bytes(base64: string): Uint8Array {",
    "  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));",
    "}",
    "",
    "export default {",
    "  assets: {",
  ];
  for (const [url, item] of Object.entries(output.assets)) {
    const body = typeof item.body === "string"
      ? JSON.stringify(item.body)
      : `bytes(${JSON.stringify(base64(item.body))})`;
    lines.push(
      `    ${JSON.stringify(url)}: {`,
      `      body: ${body},`,
      `      contentType: ${JSON.stringify(item.contentType)},`,
      `      etag: ${JSON.stringify(item.etag)},`,
      `      immutable: ${item.immutable},`,
      "    },",
    );
  }
  lines.push(
    "  },",
    `  islands: ${JSON.stringify(output.islands)},`,
    `  boot: ${JSON.stringify(output.boot)},`,
    `  css: ${JSON.stringify(output.css)},`,
    "} satisfies BuildOutput;",
    "",
  );
  return lines.join("\n");
}

async function asset(
  body: Uint8Array,
  name: string,
  immutable: boolean,
): Promise<Asset> {
  const contentType = contentTypeOf(name);
  const text = /^text\/|json|xml|javascript/.test(contentType);
  return {
    body: text ? new TextDecoder().decode(body) : body,
    contentType,
    etag: `"${(await sha256(body)).slice(0, 20)}"`,
    immutable,
  };
}

async function listFiles(dir: string, prefix = ""): Promise<string[]> {
  const found: string[] = [];
  try {
    for await (const entry of Deno.readDir(join(dir, prefix))) {
      const path = prefix ? `${prefix}/${entry.name}` : entry.name;
      if (entry.isDirectory) found.push(...await listFiles(dir, path));
      else if (entry.isFile) found.push(path);
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return found.sort();
}

function isModule(file: string): boolean {
  return MODULE_FILE.test(file) && !NOT_MODULE.test(file);
}

async function writeIfChanged(path: string, text: string): Promise<void> {
  try {
    if (await Deno.readTextFile(path) === text) return;
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  await Deno.writeTextFile(path, text);
}

function importPath(fromDir: string, file: string): string {
  const path = relative(fromDir, file).split(sep).join("/");
  return path.startsWith(".") ? path : `./${path}`;
}

function fileUrl(path: string): string {
  return new URL(`file://${path.split(sep).map(encodeURIComponent).join("/")}`)
    .href;
}

async function sha256(data: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest(
    "SHA-256",
    data as Uint8Array<ArrayBuffer>,
  );
  return Array.from(
    new Uint8Array(digest),
    (b) => b.toString(16).padStart(2, "0"),
  )
    .join("");
}

function base64(data: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < data.length; i += 0x8000) {
    binary += String.fromCharCode(...data.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

async function sizes(items: Asset[]): Promise<{ raw: number; gzip: number }> {
  let raw = 0;
  let gzip = 0;
  for (const item of items) {
    const bytes = typeof item.body === "string"
      ? new TextEncoder().encode(item.body)
      : item.body;
    raw += bytes.length;
    const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream()
      .pipeThrough(new CompressionStream("gzip"));
    gzip += (await new Response(stream).arrayBuffer()).byteLength;
  }
  return { raw, gzip };
}

function kb(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} kB`;
}

if (import.meta.main) {
  await build();
}
