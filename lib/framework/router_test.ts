import assert from "node:assert/strict";
import { createRouter, islandName, parseRoute } from "./router.ts";

const router = createRouter([
  "./routes/_app.tsx",
  "./routes/_404.tsx",
  "./routes/_500.tsx",
  "./routes/index.tsx",
  "./routes/[...rest].tsx",
  "./routes/chat/[room].tsx",
  "./routes/chat/new.tsx",
  "./routes/chat/index.tsx",
  "./routes/api/rooms/index.ts",
  "./routes/api/rooms/[room]/ws.ts",
  "./routes/api/rooms/[room]/messages.ts",
  "./routes/healthz.ts",
]);

function matched(pathname: string) {
  const found = router.match(pathname);
  return found && { file: found.route.file, params: found.params };
}

Deno.test("parseRoute turns file paths into patterns", () => {
  assert.equal(parseRoute("./routes/index.tsx")?.pattern, "/");
  assert.equal(parseRoute("./routes/chat/index.tsx")?.pattern, "/chat");
  assert.equal(parseRoute("./routes/chat/[room].tsx")?.pattern, "/chat/:room");
  assert.equal(
    parseRoute("./routes/docs/[...path].ts")?.pattern,
    "/docs/:path*",
  );
  assert.equal(parseRoute("./routes/_app.tsx"), null);
  assert.equal(parseRoute("./routes/chat/_helpers.ts"), null);
  assert.equal(parseRoute("./islands/x.tsx"), null);
});

Deno.test("special files are not routes", () => {
  assert.deepEqual(
    router.routes.map((r) => r.file).filter((f) => f.includes("/_")),
    [],
  );
  assert.equal(matched("/_app")?.file, "./routes/[...rest].tsx");
});

Deno.test("static segments win over params, params over catch-alls", () => {
  assert.deepEqual(router.routes.map((r) => r.pattern), [
    "/",
    "/chat",
    "/healthz",
    "/api/rooms",
    "/chat/new",
    "/api/rooms/:room/messages",
    "/api/rooms/:room/ws",
    "/chat/:room",
    "/:rest*",
  ]);
  assert.deepEqual(matched("/chat/new"), {
    file: "./routes/chat/new.tsx",
    params: {},
  });
  assert.deepEqual(matched("/chat/lobby"), {
    file: "./routes/chat/[room].tsx",
    params: { room: "lobby" },
  });
  assert.deepEqual(matched("/api/rooms/a/ws"), {
    file: "./routes/api/rooms/[room]/ws.ts",
    params: { room: "a" },
  });
  assert.deepEqual(matched("/"), { file: "./routes/index.tsx", params: {} });
  assert.deepEqual(matched("/x/y/z"), {
    file: "./routes/[...rest].tsx",
    params: { rest: "x/y/z" },
  });
});

Deno.test("params are percent-decoded per segment", () => {
  assert.deepEqual(matched("/chat/caf%C3%A9")?.params, { room: "café" });
  assert.deepEqual(matched("/chat/a%2Fb")?.params, { room: "a/b" });
  assert.deepEqual(matched("/chat/%3Cscript%3E")?.params, {
    room: "<script>",
  });
});

Deno.test("malformed escapes match nothing instead of throwing", () => {
  const strict = createRouter(["./routes/chat/[room].tsx"]);
  for (const path of ["/chat/%E0%A4%A", "/chat/%zz", "/chat/%", "/%zz/x"]) {
    assert.equal(strict.match(path), null, path);
    assert.equal(router.match(path), null, path);
  }
});

Deno.test("params never match empty or extra segments", () => {
  const strict = createRouter([
    "./routes/chat/[room].tsx",
    "./routes/index.tsx",
  ]);
  assert.equal(strict.match("/chat/"), null);
  assert.equal(strict.match("/chat//"), null);
  assert.equal(strict.match("/chat/a/b"), null);
  assert.equal(strict.match("/chat/a/"), null);
  assert.equal(strict.match("/nope"), null);
  assert.ok(strict.match("/chat/a"));
});

Deno.test("islandName strips the folder and extension", () => {
  assert.equal(islandName("./islands/chat_room.tsx"), "chat_room");
  assert.equal(islandName("./islands/forms/join.ts"), "forms/join");
});
