import {
  type ComponentChildren,
  type ComponentType,
  Fragment,
  h,
  options,
  type VNode,
} from "preact";
import { renderToString } from "preact-render-to-string";
import { HeadContext } from "./head.ts";
import { islandName } from "./router.ts";
import type { AppProps, BuildOutput, Manifest, PageProps } from "./types.ts";

/** The Content-Security-Policy of every HTML response. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self' ws: wss:",
  "base-uri 'none'",
  "form-action 'self'",
  "object-src 'none'",
  "frame-ancestors 'none'",
].join("; ");

/** Id of the `<script type="application/json">` that carries island props. */
export const PROPS_ELEMENT_ID = "__island_props";

/** Tag name of the element that wraps each island in server-rendered HTML. */
export const ISLAND_TAG = "island-root";

/** What the server writes into the props script for the boot module. */
export interface IslandPayload {
  /** Island name to the URL of its browser module. */
  modules: Record<string, string>;
  /** Props of each island marker, indexed by its `data-props`. */
  props: unknown[];
}

/** Renders one page (inside `_app`) to a complete HTML document. */
export type PageRenderer = (
  // deno-lint-ignore no-explicit-any
  page: ComponentType<PageProps<any, any>>,
  // deno-lint-ignore no-explicit-any
  props: PageProps<any, any>,
) => string;

/** Options of {@linkcode createRenderer}. */
export interface RendererOptions {
  manifest: Manifest;
  build: BuildOutput;
}

interface RenderState {
  names: Map<ComponentType, string>;
  props: unknown[];
  used: Set<string>;
  depth: number;
  bypass: boolean;
}

interface InternalOptions {
  vnode?: (vnode: VNode) => void;
  __b?: (vnode: VNode) => void;
  diffed?: (vnode: VNode) => void;
}

let current: RenderState | null = null;
// deno-lint-ignore no-explicit-any
const wrappers = new Map<ComponentType<any>, ComponentType<any>>();
const wrapperSet = new Set<unknown>();

installHooks(options as InternalOptions);

/** JSON that is safe inside a `<script>` element: `<`, `>`, `&`, U+2028 and U+2029 are escaped. */
export function serializeJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/** Sets the security headers of HTML responses, keeping any already set. */
export function setHtmlHeaders(headers: Headers): Headers {
  const defaults: [string, string][] = [
    ["content-type", "text/html; charset=utf-8"],
    ["content-security-policy", CONTENT_SECURITY_POLICY],
    ["x-content-type-options", "nosniff"],
    ["referrer-policy", "strict-origin-when-cross-origin"],
  ];
  for (const [name, value] of defaults) {
    if (!headers.has(name)) headers.set(name, value);
  }
  return headers;
}

/** Escapes text for an HTML attribute value or text node. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Prepares page rendering for one manifest and build: islands are found by identity of their default exports. */
export function createRenderer(options: RendererOptions): PageRenderer {
  const { manifest, build } = options;
  const names = new Map<ComponentType, string>();
  const modules: Record<string, string> = {};
  for (const [key, mod] of Object.entries(manifest.islands)) {
    const name = islandName(key);
    names.set(mod.default, name);
    const url = build.islands[key];
    if (url) modules[name] = url;
  }
  const app = manifest.routes["./routes/_app.tsx"]?.default as
    | ComponentType<AppProps<unknown>>
    | undefined;

  return (page, props) => {
    const heads: ComponentChildren[] = [];
    const Component = () => h(page, props);
    const tree = app
      ? h(app, { Component, url: props.url, state: props.state })
      : h(Component, null);
    const state: RenderState = {
      names,
      props: [],
      used: new Set(),
      depth: 0,
      bypass: false,
    };
    let body: string;
    current = state;
    try {
      body = renderToString(h(HeadContext.Provider, { value: heads }, tree));
    } finally {
      current = null;
    }
    let head = heads.length ? renderToString(h(Fragment, null, heads)) : "";
    let tail = "";
    if (state.used.size > 0) {
      const used: Record<string, string> = {};
      for (const name of [...state.used].sort()) {
        const url = modules[name];
        if (!url) throw new Error(`island ${name} is not built`);
        used[name] = url;
        head += `<link rel="modulepreload" href="${escapeHtml(url)}">`;
      }
      if (build.css) {
        head = `<link rel="stylesheet" href="${escapeHtml(build.css)}">${head}`;
      }
      head += `<script type="module" src="${escapeHtml(build.boot)}"></script>`;
      const payload: IslandPayload = { modules: used, props: state.props };
      tail = `<script type="application/json" id="${PROPS_ELEMENT_ID}">${
        serializeJson(payload)
      }</script>`;
    }
    return "<!DOCTYPE html>" + assemble(body, head, tail);
  };
}

function assemble(html: string, head: string, tail: string): string {
  if (!/^<html[\s>]/i.test(html)) {
    return `<html><head><meta charset="utf-8">` +
      `<meta name="viewport" content="width=device-width, initial-scale=1">` +
      `${head}</head><body>${html}${tail}</body></html>`;
  }
  const headEnd = html.indexOf("</head>");
  if (headEnd === -1) {
    const open = html.indexOf(">") + 1;
    html = `${html.slice(0, open)}<head>${head}</head>${html.slice(open)}`;
  } else {
    let before = html.slice(0, headEnd);
    if (head.includes("<title")) {
      before = before.replace(/<title(?:\s[^>]*)?>[^<]*<\/title>/, "");
    }
    html = before + head + html.slice(headEnd);
  }
  const bodyEnd = html.lastIndexOf("</body>");
  return bodyEnd === -1
    ? html + tail
    : html.slice(0, bodyEnd) + tail + html.slice(bodyEnd);
}

function installHooks(hooks: InternalOptions): void {
  const { vnode, __b, diffed } = hooks;
  hooks.vnode = (node) => {
    const state = current;
    if (
      state && !state.bypass && state.depth === 0 &&
      typeof node.type === "function"
    ) {
      const name = state.names.get(node.type);
      if (name) node.type = wrapperFor(node.type, name);
    }
    vnode?.(node);
  };
  hooks.__b = (node) => {
    if (current && wrapperSet.has(node.type)) current.depth++;
    __b?.(node);
  };
  hooks.diffed = (node) => {
    if (current && wrapperSet.has(node.type)) current.depth--;
    diffed?.(node);
  };
}

// deno-lint-ignore no-explicit-any
function wrapperFor(component: ComponentType<any>, name: string) {
  let wrapper = wrappers.get(component);
  if (!wrapper) {
    wrapper = (props: Record<string, unknown>) => {
      const state = current!;
      const index = state.props.push(props) - 1;
      state.used.add(name);
      state.bypass = true;
      const inner = h(component, props);
      state.bypass = false;
      return h(ISLAND_TAG, {
        "data-island": name,
        "data-props": String(index),
      }, inner);
    };
    wrappers.set(component, wrapper);
    wrapperSet.add(wrapper);
  }
  return wrapper;
}
