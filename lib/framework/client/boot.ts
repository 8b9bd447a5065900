import { type ComponentType, h, hydrate } from "preact";

interface IslandPayload {
  modules: Record<string, string>;
  props: Record<string, unknown>[];
}

const source = document.getElementById("__island_props")?.textContent;
const payload: IslandPayload = source
  ? JSON.parse(source)
  : { modules: {}, props: [] };
const loading = new Map<string, Promise<{ default: ComponentType }>>();

for (const marker of document.querySelectorAll("island-root[data-island]")) {
  const name = marker.getAttribute("data-island")!;
  const props = payload.props[Number(marker.getAttribute("data-props"))] ?? {};
  const url = payload.modules[name];
  if (!url) {
    console.error(`island ${name}: no module`);
    continue;
  }
  if (!loading.has(url)) loading.set(url, import(url));
  loading.get(url)!.then(
    (mod) => hydrate(h(mod.default, props), marker),
    (error) => console.error(`island ${name}: failed to load`, error),
  );
}
