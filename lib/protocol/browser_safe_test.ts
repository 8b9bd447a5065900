import assert from "node:assert/strict";

const HERE = new URL("./", import.meta.url);

Deno.test("lib/protocol is browser-safe: no Deno API (tools/shape_check.ts keeps its imports inside it)", async () => {
  const modules: string[] = [];
  for await (const entry of Deno.readDir(HERE)) {
    if (/\.tsx?$/.test(entry.name) && !/_test\.tsx?$/.test(entry.name)) {
      modules.push(entry.name);
    }
  }
  assert.ok(modules.includes("limits.ts") && modules.includes("events.ts"));
  for (const name of modules) {
    const source = await Deno.readTextFile(new URL(name, HERE));
    assert.doesNotMatch(source, /\bDeno\./, `${name} uses a Deno API`);
  }
});
