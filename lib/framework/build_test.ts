import assert from "node:assert/strict";
import { join } from "node:path";
import {
  buildFixture,
  FIXTURE_ROOT,
} from "../../tests/fixtures/framework/serve_fixture.ts";
import type { BuildOutput } from "./types.ts";

function text(output: BuildOutput, url: string): string {
  const body = output.assets[url]?.body;
  assert.equal(typeof body, "string", url);
  return body as string;
}

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest(
    "SHA-256",
    new TextEncoder().encode(text),
  );
  return Array.from(
    new Uint8Array(digest),
    (b) => b.toString(16).padStart(2, "0"),
  )
    .join("");
}

Deno.test("build writes a formatted manifest of every route and island", async () => {
  const committed = await Deno.readTextFile(
    join(FIXTURE_ROOT, "manifest.gen.ts"),
  );
  const built = await buildFixture();
  try {
    const source = await Deno.readTextFile(built.manifestPath);
    assert.equal(source, committed, "the fixture manifest is up to date");
    assert.equal(built.manifestPath, join(FIXTURE_ROOT, "manifest.gen.ts"));
    const keys = [...source.matchAll(/^ {4}"([^"]+)": \$(\d+),$/gm)]
      .map((m) => `${m[2]} ${m[1]}`);
    assert.deepEqual(keys, [
      "0 ./routes/_404.tsx",
      "1 ./routes/_app.tsx",
      "2 ./routes/_middleware.ts",
      "3 ./routes/about.tsx",
      "4 ./routes/api/_middleware.ts",
      "5 ./routes/api/echo.ts",
      "6 ./routes/docs/[...path].ts",
      "7 ./routes/go.ts",
      "8 ./routes/hello/[name].tsx",
      "9 ./routes/index.tsx",
      "10 ./islands/counter.tsx",
      "11 ./islands/greeting.tsx",
    ]);
    assert.ok(
      source.includes('import * as $10 from "./islands/counter.tsx";'),
    );
    assert.ok(source.includes("baseUrl: import.meta.url,"));
    assert.ok(source.includes("} satisfies Manifest;"));
    assert.ok(!source.includes("serve_fixture"));
    const fmt = await new Deno.Command(Deno.execPath(), {
      args: ["fmt", "--check", built.manifestPath],
      env: { NO_COLOR: "1" },
      stdout: "null",
      stderr: "piped",
    }).output();
    assert.ok(fmt.success, new TextDecoder().decode(fmt.stderr));
  } finally {
    await Deno.remove(built.outDir, { recursive: true });
  }
});

Deno.test("build bundles islands under content-hashed names", async () => {
  const built = await buildFixture();
  try {
    const { output } = built;
    assert.deepEqual(Object.keys(output.islands), [
      "./islands/counter.tsx",
      "./islands/greeting.tsx",
    ]);
    assert.match(
      output.islands["./islands/counter.tsx"],
      /^\/_islands\/counter-[0-9a-f]{8}\.js$/,
    );
    assert.match(
      output.islands["./islands/greeting.tsx"],
      /^\/_islands\/greeting-[0-9a-f]{8}\.js$/,
    );
    assert.match(output.boot, /^\/_islands\/boot-[0-9a-f]{8}\.js$/);
    assert.match(output.css ?? "", /^\/_islands\/islands-[0-9a-f]{8}\.css$/);
    assert.match(
      text(output, output.css!),
      /island-root\s*\{\s*display: contents;/,
    );
    for (const url of [output.boot, ...Object.values(output.islands)]) {
      const hash = /-([0-9a-f]{8})\.js$/.exec(url)![1];
      assert.equal(hash, (await sha256Hex(text(output, url))).slice(0, 8), url);
    }
    const scripts = Object.keys(output.assets).filter((u) => u.endsWith(".js"));
    assert.ok(scripts.some((u) => /^\/_islands\/chunk-\w+\.js$/.test(u)));
    for (const url of scripts) {
      const item = output.assets[url];
      assert.equal(item.contentType, "text/javascript; charset=utf-8");
      assert.equal(item.immutable, true);
      assert.match(item.etag, /^"[0-9a-f]{16,}"$/);
      const code = text(output, url);
      for (const m of code.matchAll(/(?:from|import)\s*\(?"(\.[^"]+)"/g)) {
        const target = new URL(m[1], `http://x${url}`).pathname;
        assert.ok(output.assets[target], `${url} imports missing ${target}`);
      }
      assert.doesNotMatch(code, /["'`]<[a-z]/i, `${url} has HTML templates`);
      assert.ok(!code.includes("playwright"), url);
    }
    const all = scripts.map((u) => text(output, u)).join("\n");
    assert.equal(
      all.split("acit|ex(?:s|g|n|p|$)").length - 1,
      1,
      "one copy of preact",
    );
    assert.ok(text(output, output.boot).includes("__island_props"));
  } finally {
    await Deno.remove(built.outDir, { recursive: true });
  }
});

Deno.test("build inlines static files and writes an importable assets module", async () => {
  const built = await buildFixture();
  try {
    const { default: imported } = await import(
      new URL(`file://${built.assetsPath}`).href
    ) as { default: BuildOutput };
    assert.deepEqual(imported, built.output);
    const css = imported.assets["/styles.css"];
    assert.equal(
      css.body,
      await Deno.readTextFile(join(FIXTURE_ROOT, "static/styles.css")),
    );
    assert.equal(css.contentType, "text/css; charset=utf-8");
    assert.equal(css.immutable, false);
    const icon = imported.assets["/favicon.ico"];
    assert.ok(icon.body instanceof Uint8Array);
    assert.deepEqual(
      icon.body,
      await Deno.readFile(join(FIXTURE_ROOT, "static/favicon.ico")),
    );
    assert.equal(icon.contentType, "image/x-icon");
    assert.match(built.summary, /^build: 6 routes, 2 islands → .* gzip.* ms$/);

    const again = await buildFixture();
    try {
      assert.equal(
        await Deno.readTextFile(again.assetsPath),
        await Deno.readTextFile(built.assetsPath),
        "the build is deterministic",
      );
    } finally {
      await Deno.remove(again.outDir, { recursive: true });
    }
  } finally {
    await Deno.remove(built.outDir, { recursive: true });
  }
});
