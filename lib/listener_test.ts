import assert from "node:assert/strict";
import {
  connectionBudget,
  DESCRIPTOR_HEADROOM,
  fileLimitInForce,
  HTTP_RESERVE,
  learnedTcpCap,
  openFileLimit,
  outOfDescriptors,
} from "./listener.ts";

Deno.test("connection budget: the configured cap, lowered below the descriptor limit", () => {
  assert.deepEqual(connectionBudget({ maxConnections: 20_000 }), {
    tcp: Infinity,
    sockets: 20_000,
  });
  assert.deepEqual(
    connectionBudget({ maxConnections: 20_000, fileLimit: 1024 }),
    {
      tcp: 1024 - DESCRIPTOR_HEADROOM,
      sockets: 1024 - DESCRIPTOR_HEADROOM - HTTP_RESERVE,
    },
  );
  assert.equal(
    connectionBudget({ maxConnections: 100, fileLimit: 1024 }).sockets,
    100,
  );
  const tiny = connectionBudget({ maxConnections: 100, fileLimit: 10 });
  assert.ok(tiny.tcp >= 2 && tiny.sockets >= 1);
});

Deno.test("open file limit: the soft limit of this process", () => {
  const limit = openFileLimit();
  if (Deno.build.os !== "linux") return assert.equal(limit, undefined);
  const soft = /^Max open files\s+(\S+)/m.exec(
    Deno.readTextFileSync("/proc/self/limits"),
  )?.[1];
  assert.equal(limit, soft === "unlimited" ? undefined : Number(soft));
});

Deno.test("file limit in force: the setting wins, else /proc when readable, else none", () => {
  assert.deepEqual(fileLimitInForce(300), {
    fileLimit: 300,
    source: "CHAT_FILE_LIMIT",
  });
  const read = openFileLimit();
  assert.deepEqual(
    fileLimitInForce(undefined),
    read === undefined
      ? { source: "none" }
      : { fileLimit: read, source: "/proc/self/limits" },
  );
});

Deno.test("out of descriptors: EMFILE and ENFILE, nothing else", () => {
  assert.ok(outOfDescriptors(new Error("Too many open files (os error 24)")));
  assert.ok(outOfDescriptors(new Error("Too many open files in system")));
  assert.ok(outOfDescriptors(new Error("failed (os error 23)")));
  assert.ok(!outOfDescriptors(new Error("Connection reset (os error 104)")));
  assert.ok(!outOfDescriptors(new Error("os error 240")));
});

Deno.test("learned cap: the open connections less the headroom, at least 2", () => {
  assert.equal(learnedTcpCap(1000), 1000 - DESCRIPTOR_HEADROOM);
  assert.equal(learnedTcpCap(10), 2);
});
