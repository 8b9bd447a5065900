import assert from "node:assert/strict";
import {
  connectionBudget,
  DESCRIPTOR_HEADROOM,
  HTTP_RESERVE,
  openFileLimit,
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
