/**
 * Where a join storm's promoted garbage comes from: V8's sampling heap
 * profiler (through the inspector) over one storm, counting only what
 * survived the young generation (what a scavenge freed is left out), so
 * the old generation's growth by allocation site.
 *
 *     deno run -A bench/promoted.ts [--target=memory] [--sockets=10000]
 *       [--concurrency=250] [--env=KEY=VALUE ...] [--top=30]
 */
import { parseArgs } from "node:util";
import { ClientPool } from "./client_pool.ts";
import { plan } from "./conn_cost.ts";
import { envPairs, placement } from "./process.ts";
import { sleep } from "./scenarios.ts";
import { startServer } from "./servers.ts";
import { freePort } from "../tests/support/server.ts";

/** One node of a V8 sampling heap profile. */
export interface SamplingNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children?: SamplingNode[];
}

/** Bytes by the innermost `depth` frames of their allocation stack, most first. */
export function bySite(
  head: SamplingNode,
  depth = 4,
): { total: number; sites: [string, number][] } {
  const sites = new Map<string, number>();
  let total = 0;
  const walk = (node: SamplingNode, stack: string[]) => {
    const { functionName, url, lineNumber } = node.callFrame;
    const frame = `${functionName || "(anonymous)"} ${
      url.replace(/^.*?\/(lib|routes|bench)\//, "$1/")
    }:${lineNumber + 1}`;
    const here = functionName === "(root)" ? stack : [...stack, frame];
    if (node.selfSize > 0) {
      total += node.selfSize;
      const key = here.slice(-depth).reverse().join(" < ");
      sites.set(key, (sites.get(key) ?? 0) + node.selfSize);
    }
    for (const child of node.children ?? []) walk(child, here);
  };
  walk(head, []);
  return { total, sites: [...sites].sort((a, b) => b[1] - a[1]) };
}

async function inspector(port: number) {
  const deadline = Date.now() + 10_000;
  let url: string | undefined;
  while (!url) {
    try {
      const list = await (await fetch(`http://127.0.0.1:${port}/json/list`))
        .json();
      url = list[0]?.webSocketDebuggerUrl;
    } catch {
      if (Date.now() > deadline) throw new Error("no inspector");
      await sleep(100);
    }
  }
  const socket = new WebSocket(url);
  await new Promise((resolve, reject) => {
    socket.onopen = resolve;
    socket.onerror = reject;
  });
  let id = 0;
  const waiting = new Map<number, (result: unknown) => void>();
  socket.onmessage = (event) => {
    const reply = JSON.parse(event.data);
    waiting.get(reply.id)?.(reply.result);
    waiting.delete(reply.id);
  };
  return {
    call(method: string, params = {}): Promise<unknown> {
      return new Promise((resolve) => {
        waiting.set(++id, resolve);
        socket.send(JSON.stringify({ id, method, params }));
      });
    },
    close: () => socket.close(),
  };
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      target: { type: "string", default: "memory" },
      sockets: { type: "string", default: "10000" },
      concurrency: { type: "string", default: "250" },
      env: { type: "string", multiple: true, default: [] },
      top: { type: "string", default: "30" },
    },
  });
  const sockets = Number(values.sockets);
  const port = freePort();
  const where = placement({ pin: true, nofile: sockets + 1_000 });
  const server = await startServer(values.target as "memory" | "reference", {
    placement: where,
    denoFlags: [`--inspect=127.0.0.1:${port}`],
    env: {
      CHAT_MAX_CONNECTIONS: String(sockets + 100),
      ...envPairs(values.env),
    },
  });
  const pool = new ClientPool(1, { placement: where, kind: "raw" });
  const devtools = await inspector(port);
  try {
    await devtools.call("HeapProfiler.enable");
    await devtools.call("HeapProfiler.startSampling", {
      samplingInterval: 16_384,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: false,
    });
    const result = await pool.clients[0].open({
      url: server.url,
      sockets: plan(sockets, 100),
      batch: false,
      concurrency: Number(values.concurrency),
      startAt: Date.now() + 300,
    });
    await sleep(2_000);
    const { profile } = await devtools.call("HeapProfiler.stopSampling") as {
      profile: { head: SamplingNode };
    };
    const { total, sites } = bySite(profile.head);
    console.log(
      `${values.target}: ${result.opened} joined, ${
        (total / 1e6).toFixed(1)
      } MB promoted (sampled), ${
        (total / 1024 / Math.max(1, result.opened)).toFixed(1)
      } KiB per socket`,
    );
    for (const [site, bytes] of sites.slice(0, Number(values.top))) {
      console.log(`${(bytes / 1e6).toFixed(1).padStart(6)} MB  ${site}`);
    }
  } finally {
    devtools.close();
    await pool.close();
    await server.stop();
  }
}
