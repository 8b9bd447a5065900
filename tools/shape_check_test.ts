import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import {
  cycles,
  importGraph,
  importsOf,
  lineCounts,
  MAX_MODULE_LINES,
  oversized,
  sourceFiles,
  violations,
} from "./shape_check.ts";

const FIXTURE = fileURLToPath(
  new URL("../tests/fixtures/shape/", import.meta.url),
);

Deno.test("importsOf: static, type-only, re-exports, side effects and dynamic imports; bare ones left out", () => {
  assert.deepEqual(
    importsOf(
      [
        'import { a } from "./a.ts";',
        'import type {\n  B,\n  C,\n} from "../b.ts";',
        'export { d } from "./d.ts";',
        'import "./e.ts";',
        'const f = await import("./f.ts");',
        'import assert from "node:assert/strict";',
        'import { h } from "preact";',
      ].join("\n"),
    ).sort(),
    ["../b.ts", "./a.ts", "./d.ts", "./e.ts", "./f.ts"],
  );
});

Deno.test("a cycle through a type import and a module importing itself are found; a module beside a cycle is not in it", async () => {
  const graph = await importGraph(FIXTURE, await sourceFiles(FIXTURE));
  assert.deepEqual(cycles(graph), [
    ["lib/chat/a.ts", "lib/chat/b.ts"],
    ["lib/framework/self.ts"],
  ]);
  assert.deepEqual(violations(graph), [
    "lib/framework imports no chat core: lib/framework/app.ts → lib/chat/c.ts",
    "lib/framework imports only lib/framework (its tests: their fixtures): lib/framework/app.ts → lib/chat/c.ts",
  ]);
});

Deno.test("no cycle in a chain", () => {
  const chain = new Map([["a", ["b"]], ["b", ["c"]], ["c", []]]);
  assert.deepEqual(cycles(chain), []);
  chain.set("c", ["a"]);
  assert.deepEqual(cycles(chain), [["a", "b", "c"]]);
});

Deno.test("the chat core may not import a backend; the protocol module imports nothing", () => {
  const graph = new Map([
    ["lib/chat/room.ts", ["lib/backends/redis/store.ts"]],
    ["lib/backends/redis/store.ts", ["lib/chat/room.ts"]],
    ["lib/server.ts", ["lib/backends/redis/store.ts"]],
    ["lib/protocol/limits.ts", ["lib/chat/names.ts"]],
  ]);
  assert.deepEqual(violations(graph), [
    "lib/protocol (shared by browser and server) imports nothing else: lib/protocol/limits.ts → lib/chat/names.ts",
    "the chat core (lib/chat, lib/people, lib/rooms, lib/search) imports no backend (lib/backends): lib/chat/room.ts → lib/backends/redis/store.ts",
  ]);
});

Deno.test("the chat core may not import the framework or lib/http, nor the framework the chat core", () => {
  const graph = new Map([
    ["lib/rooms/http.ts", ["lib/framework/types.ts", "lib/rooms/access.ts"]],
    ["lib/people/csrf_test.ts", ["lib/framework/types.ts"]],
    ["lib/framework/app.ts", ["lib/people/people.ts"]],
    ["lib/chat/service.ts", ["lib/http/client_address.ts", "lib/app_state.ts"]],
    ["lib/people/people.ts", ["lib/http/client_address.ts"]],
    ["lib/http/room_routes.ts", [
      "lib/framework/types.ts",
      "lib/rooms/access.ts",
    ]],
    ["routes/api/rooms/[room]/audit.ts", ["lib/framework/types.ts"]],
  ]);
  assert.deepEqual(violations(graph), [
    "lib/framework imports no chat core: lib/framework/app.ts → lib/people/people.ts",
    "lib/framework imports only lib/framework (its tests: their fixtures): lib/framework/app.ts → lib/people/people.ts",
    "the chat core (lib/chat, lib/people, lib/rooms, lib/search) imports no framework (lib/framework): lib/people/csrf_test.ts → lib/framework/types.ts",
    "the chat core (lib/chat, lib/people, lib/rooms, lib/search) imports no framework (lib/framework): lib/rooms/http.ts → lib/framework/types.ts",
    "the chat core (lib/chat, lib/people, lib/rooms, lib/search) knows no HTTP: it imports nothing of lib/http nor the routes' state (lib/app_state.ts): lib/chat/service.ts → lib/app_state.ts",
    "the chat core (lib/chat, lib/people, lib/rooms, lib/search) knows no HTTP: it imports nothing of lib/http nor the routes' state (lib/app_state.ts): lib/chat/service.ts → lib/http/client_address.ts",
    "the chat core (lib/chat, lib/people, lib/rooms, lib/search) knows no HTTP: it imports nothing of lib/http nor the routes' state (lib/app_state.ts): lib/people/people.ts → lib/http/client_address.ts",
  ]);
});

Deno.test("a module of lib/, islands/ or routes/ over MAX_MODULE_LINES fails; others are not counted", () => {
  const lines = new Map([
    ["lib/chat/session.ts", MAX_MODULE_LINES + 1],
    ["lib/chat/room.ts", MAX_MODULE_LINES],
    ["islands/chat_room.tsx", 600],
    ["routes/index.tsx", 10],
    ["bench/run.ts", 900],
    ["tests/chat_test.ts", 900],
  ]);
  assert.deepEqual(oversized(lines), [
    "too long: islands/chat_room.tsx: 600 lines (at most 450)",
    `too long: lib/chat/session.ts: ${
      MAX_MODULE_LINES + 1
    } lines (at most 450)`,
  ]);
});

Deno.test("line counts: a last line without a newline counts, the final newline adds none", async () => {
  const root = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${root}/a.ts`, "one\ntwo\n");
    await Deno.writeTextFile(`${root}/b.ts`, "one\ntwo");
    assert.deepEqual(
      await lineCounts(root, ["a.ts", "b.ts"]),
      new Map([["a.ts", 2], ["b.ts", 2]]),
    );
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
