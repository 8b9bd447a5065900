import assert from "node:assert/strict";
import { h } from "preact";
import { Head } from "./head.ts";
import { createRenderer, serializeJson } from "./render.ts";
import type { BuildOutput, Manifest, PageProps } from "./types.ts";

const NASTY = [
  "</script><script>alert(1)</script>",
  "<!-- <script>",
  "</SCRIPT >",
  "a\u2028b\u2029c",
  "&amp; & > <",
  "\"'`\\",
  "\u0000\ud83d\ude00",
];

Deno.test("serializeJson output cannot break out of a script element", () => {
  const text = serializeJson({ nasty: NASTY, [NASTY[0]]: 1 });
  for (const bad of ["<", ">", "&", "\u2028", "\u2029"]) {
    assert.ok(!text.includes(bad), `contains ${JSON.stringify(bad)}`);
  }
  assert.deepEqual(JSON.parse(text), { nasty: NASTY, [NASTY[0]]: 1 });
  assert.ok(text.includes("\\u003c/script\\u003e"));
});

function Inner(props: { text: string }) {
  return h("em", null, props.text);
}

function Outer(props: { label: string }) {
  return h("div", { class: "outer" }, props.label, h(Inner, { text: "in" }));
}

const manifest: Manifest = {
  routes: {},
  islands: {
    "./islands/outer.tsx": { default: Outer },
    "./islands/inner.tsx": { default: Inner },
  },
  baseUrl: import.meta.url,
};
const build: BuildOutput = {
  assets: {},
  islands: {
    "./islands/outer.tsx": "/_islands/outer-11111111.js",
    "./islands/inner.tsx": "/_islands/inner-22222222.js",
  },
  boot: "/_islands/boot-33333333.js",
  css: "/_islands/islands-44444444.css",
};
const props: PageProps = {
  data: undefined,
  params: {},
  url: new URL("http://x/"),
  state: {},
};

Deno.test("islands get a marker, their props and their own module", () => {
  const render = createRenderer({ manifest, build });
  const html = render(
    () =>
      h(
        "main",
        null,
        h(Inner, { text: NASTY[0] }),
        h(Outer, { label: "hi" }),
      ),
    props,
  );
  assert.ok(html.startsWith("<!DOCTYPE html><html>"));
  assert.match(
    html,
    /<island-root data-island="inner" data-props="0"><em>&lt;\/script>/,
  );
  assert.ok(
    html.includes(
      '<island-root data-island="outer" data-props="1"><div class="outer">hi<em>in</em></div></island-root>',
    ),
    "nested island rendered inside its parent, without a marker",
  );
  assert.equal(html.match(/<island-root/g)?.length, 2);
  assert.ok(
    html.includes('<script type="module" src="/_islands/boot-33333333.js">'),
  );
  assert.ok(
    html.includes(
      '<link rel="modulepreload" href="/_islands/inner-22222222.js">',
    ),
  );
  assert.ok(
    html.includes(
      '<link rel="modulepreload" href="/_islands/outer-11111111.js">',
    ),
  );
  assert.ok(
    html.includes(
      '<link rel="stylesheet" href="/_islands/islands-44444444.css">',
    ),
  );
  const json =
    /<script type="application\/json" id="__island_props">(.*?)<\/script>/
      .exec(html)?.[1];
  assert.ok(json);
  assert.deepEqual(JSON.parse(json), {
    modules: {
      inner: "/_islands/inner-22222222.js",
      outer: "/_islands/outer-11111111.js",
    },
    props: [{ text: NASTY[0] }, { label: "hi" }],
  });
  assert.equal(html.match(/<script/g)?.length, 2);
  assert.equal(html.match(/<\/script>/g)?.length, 2);
});

Deno.test("a page loads only the islands it uses; none means no script", () => {
  const render = createRenderer({ manifest, build });
  const one = render(() => h(Inner, { text: "x" }), props);
  assert.ok(one.includes("inner-22222222.js"));
  assert.ok(!one.includes("outer-11111111.js"));
  const none = render(() => h("p", null, "static"), props);
  assert.ok(!none.includes("<script"));
  assert.ok(!none.includes("modulepreload"));
  assert.ok(!none.includes("island-root"));
});

Deno.test("Head puts its children into the app's head and replaces its title", () => {
  function App({ Component }: { Component: () => unknown }) {
    return h(
      "html",
      { lang: "en" },
      h("head", null, h("title", null, "App"), h("meta", { name: "a" })),
      h("body", null, h(Component as () => null, null)),
    );
  }
  const render = createRenderer({
    manifest: {
      ...manifest,
      routes: { "./routes/_app.tsx": { default: App as never } },
    },
    build,
  });
  const html = render(
    () => h("main", null, h(Head, null, h("title", null, "Page <1>")), "body"),
    props,
  );
  assert.equal(
    html,
    '<!DOCTYPE html><html lang="en"><head><meta name="a"/><title>Page &lt;1></title></head><body><main>body</main></body></html>',
  );
});
