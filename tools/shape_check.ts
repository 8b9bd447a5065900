/**
 * The shape check, run by `deno task check`: fails on an import cycle among
 * the project's modules, on lib/framework importing anything outside itself
 * (the framework knows nothing of the chat, the chat core above all), on the
 * chat core importing a backend (lib/backends/), the framework or the HTTP
 * layer (lib/http, lib/app_state.ts), and on a module of lib/, islands/ or
 * routes/ longer than {@linkcode MAX_MODULE_LINES}. Imports are read from the
 * source text, type-only ones included, so a cycle of types fails too.
 */
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** Module graph: project-relative path → project-relative paths it imports. */
export type ImportGraph = Map<string, string[]>;

/** One rule: modules under `from` may not import modules `to` matches. */
export interface LayerRule {
  name: string;
  /** Whether the rule applies to an importing module. */
  from: (path: string) => boolean;
  /** Whether an import from a module the rule applies to is forbidden. */
  forbids: (from: string, to: string) => boolean;
}

const SKIPPED = new Set([
  ".git",
  "node_modules",
  "_build",
  "dist",
  "data",
  "fixtures",
]);
const SOURCE = /\.(?:ts|tsx)$/;
const STATIC_IMPORT =
  /(?:^|[\s;])(?:import|export)\s+(?:type\s+)?(?:[\w*{}\s,$]+?\s+from\s+)?["']([^"']+)["']/g;
const DYNAMIC_IMPORT = /\bimport\(\s*["']([^"']+)["']\s*\)/g;

/** The relative specifiers (`./`, `../`) that `source` imports or re-exports. */
export function importsOf(source: string): string[] {
  const specifiers = new Set<string>();
  for (const pattern of [STATIC_IMPORT, DYNAMIC_IMPORT]) {
    for (const match of source.matchAll(pattern)) {
      if (match[1].startsWith(".")) specifiers.add(match[1]);
    }
  }
  return [...specifiers];
}

/** Every source file under `root`, project-relative, fixtures and builds left out. */
export async function sourceFiles(root: string): Promise<string[]> {
  const found: string[] = [];
  async function walk(folder: string) {
    for await (const entry of Deno.readDir(folder)) {
      const path = join(folder, entry.name);
      if (entry.isDirectory && !SKIPPED.has(entry.name)) await walk(path);
      else if (entry.isFile && SOURCE.test(entry.name)) {
        found.push(relative(root, path));
      }
    }
  }
  await walk(root);
  return found.sort();
}

/** The import graph of `files` (project-relative) under `root`. */
export async function importGraph(
  root: string,
  files: readonly string[],
): Promise<ImportGraph> {
  const known = new Set(files);
  const graph: ImportGraph = new Map();
  for (const file of files) {
    const source = await Deno.readTextFile(join(root, file));
    const targets = importsOf(source)
      .map((specifier) =>
        relative(root, resolve(root, dirname(file), specifier))
      )
      .filter((target) => known.has(target));
    graph.set(file, [...new Set(targets)]);
  }
  return graph;
}

/** Every import cycle: the strongly connected groups of more than one module, or a module importing itself. */
export function cycles(graph: ImportGraph): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  let counter = 0;
  function visit(node: string) {
    index.set(node, counter);
    low.set(node, counter);
    counter++;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node)!, index.get(next)!));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    const group: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      group.push(member);
    } while (member !== node);
    if (group.length > 1 || graph.get(node)?.includes(node)) {
      found.push(group.sort());
    }
  }
  for (const node of [...graph.keys()].sort()) {
    if (!index.has(node)) visit(node);
  }
  return found;
}

const under = (folder: string) => (path: string) =>
  path.startsWith(`${folder}/`);
const framework = under("lib/framework");
const protocol = under("lib/protocol");
const backends = under("lib/backends");
const http = under("lib/http");
const CHAT_CORE = ["lib/chat", "lib/people", "lib/rooms", "lib/search"].map(
  under,
);
const core = (path: string) => CHAT_CORE.some((folder) => folder(path));

/** The layering rules of the project. */
export const RULES: readonly LayerRule[] = [
  {
    name:
      "lib/framework imports only lib/framework (its tests: their fixtures)",
    from: framework,
    forbids: (from, to) =>
      !framework(to) &&
      !(from.endsWith("_test.ts") &&
        to.startsWith("tests/fixtures/framework/")),
  },
  {
    name: "lib/protocol (shared by browser and server) imports nothing else",
    from: protocol,
    forbids: (_from, to) => !protocol(to),
  },
  {
    name: "lib/framework imports no chat core",
    from: framework,
    forbids: (_from, to) => core(to),
  },
  {
    name:
      "the chat core (lib/chat, lib/people, lib/rooms, lib/search) imports no backend (lib/backends)",
    from: (path) => core(path) && !path.endsWith("_test.ts"),
    forbids: (_from, to) => backends(to),
  },
  {
    name:
      "the chat core (lib/chat, lib/people, lib/rooms, lib/search) imports no framework (lib/framework)",
    from: core,
    forbids: (_from, to) => framework(to),
  },
  {
    name:
      "the chat core (lib/chat, lib/people, lib/rooms, lib/search) knows no HTTP: it imports nothing of lib/http nor the routes' state (lib/app_state.ts)",
    from: core,
    forbids: (_from, to) => http(to) || to === "lib/app_state.ts",
  },
];

/** Longest module of lib/, islands/ and routes/, tests included: past it, a module does more than one thing. */
export const MAX_MODULE_LINES = 450;

const KEPT_SHORT = ["lib/", "islands/", "routes/"];

/** Each module of lib/, islands/ or routes/ over {@linkcode MAX_MODULE_LINES}, as `path: N lines`. */
export function oversized(lines: Map<string, number>): string[] {
  return [...lines]
    .filter(([path, count]) =>
      KEPT_SHORT.some((folder) => path.startsWith(folder)) &&
      count > MAX_MODULE_LINES
    )
    .map(([path, count]) =>
      `too long: ${path}: ${count} lines (at most ${MAX_MODULE_LINES})`
    )
    .sort();
}

/** The line count of each of `files` (project-relative) under `root`. */
export async function lineCounts(
  root: string,
  files: string[],
): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const file of files) {
    const text = await Deno.readTextFile(join(root, file));
    counts.set(file, text.split("\n").length - (text.endsWith("\n") ? 1 : 0));
  }
  return counts;
}

/** Every import that breaks a rule, as `rule: from → to`. */
export function violations(
  graph: ImportGraph,
  rules: readonly LayerRule[] = RULES,
): string[] {
  const found: string[] = [];
  for (const [from, targets] of graph) {
    for (const rule of rules) {
      if (!rule.from(from)) continue;
      for (const to of targets) {
        if (rule.forbids(from, to)) found.push(`${rule.name}: ${from} → ${to}`);
      }
    }
  }
  return found.sort();
}

if (import.meta.main) {
  const root = fileURLToPath(new URL("../", import.meta.url));
  const files = await sourceFiles(root);
  const graph = await importGraph(root, files);
  const problems = [
    ...cycles(graph).map((group) => `import cycle: ${group.join(" ↔ ")}`),
    ...violations(graph),
    ...oversized(await lineCounts(root, files)),
  ];
  for (const problem of problems) console.error(problem);
  if (problems.length > 0) {
    console.error(`shape check: ${problems.length} problem(s)`);
    Deno.exit(1);
  }
  const edges = [...graph.values()].reduce((sum, t) => sum + t.length, 0);
  console.log(
    `shape check: ${graph.size} modules, ${edges} imports, no cycle, ${RULES.length} layer rules kept, none over ${MAX_MODULE_LINES} lines`,
  );
}
