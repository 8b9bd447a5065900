/** Starts a real Redis Cluster (3 primaries, 3 replicas) on free loopback ports for tests. */
import { redisCli, redisServerPath } from "./redis.ts";

/** How long a silent primary takes to be failed over in the test cluster. */
export const TEST_NODE_TIMEOUT_MS = 1000;

/** One node of the cluster. */
export interface ClusterNode {
  port: number;
  /** Whether its process runs. */
  readonly running: boolean;
}

/** A running cluster. */
export interface RunningCluster {
  /** `REDIS_CLUSTER_NODES` for the servers: every node, comma-separated. */
  seeds: string;
  nodes: ClusterNode[];
  /** Runs `redis-cli -p port ...` and returns its output. */
  cli(port: number, args: string[]): Promise<string>;
  /** The primary holding `key`'s slot, as its port. */
  primaryOf(key: string): Promise<number>;
  /** The replicas of the primary on `port`. */
  replicasOf(port: number): Promise<number[]>;
  /**
   * Moves `key`'s slot to the primary on `to` the way `redis-cli --cluster
   * reshard` does (IMPORTING/MIGRATING, MIGRATE in batches, SETSLOT NODE);
   * resolves to the number of keys moved.
   */
  migrateSlot(key: string, options: { to: number }): Promise<number>;
  /** SIGKILLs a node, keeping its cluster state so it can rejoin. */
  kill(port: number): Promise<void>;
  /** Starts a killed node again; it rejoins (as a replica once failed over). */
  start(port: number): Promise<void>;
  /** Waits until every node that runs says the cluster is ok and agrees on it. */
  settled(): Promise<void>;
  /** Kills everything and removes the temp dir. */
  stop(): Promise<void>;
}

/**
 * Node ports are drawn below the kernel's ephemeral range (32768 and up), and
 * so are their cluster bus ports (+10000): a busy machine's outgoing
 * connections then cannot take a bus port between our check and the bind.
 */
const NODE_PORTS = { from: 12_000, to: 22_000 };

function free(port: number): boolean {
  try {
    Deno.listen({ hostname: "127.0.0.1", port }).close();
    return true;
  } catch {
    return false;
  }
}

/** A free port whose cluster bus port (+10000) is free too. */
function freeNodePort(taken: Set<number>): number {
  for (let attempt = 0; attempt < 500; attempt++) {
    const port = NODE_PORTS.from +
      Math.floor(Math.random() * (NODE_PORTS.to - NODE_PORTS.from));
    if (taken.has(port) || !free(port) || !free(port + 10_000)) continue;
    taken.add(port);
    return port;
  }
  throw new Error("no free port pair for a cluster node");
}

async function until(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`cluster: ${what} timed out`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Six free ports for {@linkcode startRedisCluster}, each with its bus port (+10000) free too. */
export function clusterPorts(): number[] {
  const taken = new Set<number>();
  return Array.from({ length: 6 }, () => freeNodePort(taken));
}

/**
 * A free port below the kernel's ephemeral range (not in `taken`), for a
 * server that binds it later: no outgoing connection can take it meanwhile,
 * as one can a port from {@linkcode freePort} of tests/support/server.ts.
 */
export function freeStablePort(taken: Iterable<number> = []): number {
  return freeNodePort(new Set(taken));
}

/** `REDIS_CLUSTER_NODES` for a cluster on `ports`. */
export function seedsOf(ports: number[]): string {
  return ports.map((port) => `127.0.0.1:${port}`).join(",");
}

/** Starts six nodes (on `ports`, or free ones) in a temp dir and joins them with `redis-cli --cluster create`. */
export async function startRedisCluster(
  options: { ports?: number[] } = {},
): Promise<RunningCluster> {
  const server = redisServerPath();
  if (!server) throw new Error("redis-server is not installed");
  const dir = await Deno.makeTempDir({ prefix: "redis-cluster-" });
  const ports = options.ports ?? clusterPorts();
  const children = new Map<number, Deno.ChildProcess>();

  const run = redisCli;
  const launch = async (port: number) => {
    const nodeDir = `${dir}/${port}`;
    await Deno.mkdir(nodeDir, { recursive: true });
    const child = new Deno.Command(server, {
      args: [
        "--port",
        String(port),
        "--bind",
        "127.0.0.1",
        "--dir",
        nodeDir,
        "--logfile",
        `${nodeDir}/redis.log`,
        "--cluster-enabled",
        "yes",
        "--cluster-config-file",
        "nodes.conf",
        "--cluster-node-timeout",
        String(TEST_NODE_TIMEOUT_MS),
        "--repl-diskless-sync-delay",
        "0",
        "--save",
        "",
        "--appendonly",
        "no",
        "--daemonize",
        "no",
      ],
      stdout: "null",
      stderr: "null",
    }).spawn();
    children.set(port, child);
    let exited = false;
    child.status.then(() => exited = true);
    const deadline = Date.now() + 30_000;
    while (!(await run(port, ["PING"]).catch(() => "")).startsWith("PONG")) {
      if (exited || Date.now() > deadline) {
        const log = await Deno.readTextFile(`${nodeDir}/redis.log`)
          .catch(() => "");
        throw new Error(
          `cluster node ${port} did not start:\n${log.slice(-1500)}`,
        );
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const kill = async (port: number) => {
    const child = children.get(port);
    if (!child) return;
    children.delete(port);
    try {
      child.kill("SIGKILL");
    } catch {
      // gone
    }
    await child.status;
  };
  const clusterInfo = async (port: number) =>
    Object.fromEntries(
      (await run(port, ["CLUSTER", "INFO"])).split(/\r?\n/).map((line) =>
        line.split(":")
      ),
    );
  /** `CLUSTER NODES` of one node: id, port, flags, primary id, slots. */
  const nodesSeenBy = async (port: number) =>
    (await run(port, ["CLUSTER", "NODES"])).trim().split("\n").map((line) => {
      const [id, address, flags, primary, , , , link, ...slots] = line.split(
        " ",
      );
      return {
        id,
        port: Number(address.split(":")[1].split("@")[0]),
        flags: flags.split(","),
        primary,
        link,
        slots,
      };
    });
  const settled = () =>
    until("settling", async () => {
      const infos = await Promise.all(
        [...children.keys()].map((port) => clusterInfo(port)),
      );
      if (!infos.every((info) => info.cluster_state === "ok")) return false;
      const views = await Promise.all(
        [...children.keys()].map((port) => nodesSeenBy(port)),
      );
      return views.every((view) =>
        view.every((node) =>
          !children.has(node.port) ||
          (!node.flags.includes("fail") && !node.flags.includes("fail?") &&
            node.link === "connected")
        )
      );
    });

  try {
    await Promise.all(ports.map(launch));
    await run(ports[0], [
      "--cluster",
      "create",
      ...ports.map((port) => `127.0.0.1:${port}`),
      "--cluster-replicas",
      "1",
      "--cluster-yes",
    ]);
    await settled();
    await until("replicas in sync", async () => {
      const view = await nodesSeenBy(ports[0]);
      const replicas = view.filter((node) => node.flags.includes("slave"));
      if (replicas.length !== 3) return false;
      const links = await Promise.all(
        replicas.map((node) => run(node.port, ["INFO", "replication"])),
      );
      return links.every((text) => text.includes("master_link_status:up"));
    });
  } catch (error) {
    await Promise.all([...children.keys()].map(kill));
    await Deno.remove(dir, { recursive: true }).catch(() => {});
    throw error;
  }

  const primaryOf = async (key: string) => {
    const alive = [...children.keys()][0];
    const slot = Number(
      (await run(alive, ["CLUSTER", "KEYSLOT", key])).trim(),
    );
    const view = await nodesSeenBy(alive);
    const owner = view.find((node) =>
      node.flags.includes("master") && !node.flags.includes("fail") &&
      node.slots.some((range) => {
        const [from, to = from] = range.split("-").map(Number);
        return slot >= from && slot <= to;
      })
    );
    if (!owner) throw new Error(`no primary holds slot ${slot}`);
    return owner.port;
  };

  return {
    seeds: seedsOf(ports),
    nodes: ports.map((port) => ({
      port,
      get running() {
        return children.has(port);
      },
    })),
    cli: run,
    primaryOf,
    async replicasOf(port) {
      const alive = [...children.keys()].find((p) => p !== port) ?? port;
      const view = await nodesSeenBy(alive);
      const primary = view.find((node) => node.port === port);
      return view.filter((node) =>
        node.primary === primary?.id && !node.flags.includes("fail")
      ).map((node) => node.port);
    },
    async migrateSlot(key, { to }) {
      const from = await primaryOf(key);
      if (from === to) throw new Error("the slot is already there");
      const slot = (await run(from, ["CLUSTER", "KEYSLOT", key])).trim();
      const id = async (port: number) =>
        (await run(port, ["CLUSTER", "MYID"])).trim();
      const [fromId, toId] = [await id(from), await id(to)];
      await run(to, ["CLUSTER", "SETSLOT", slot, "IMPORTING", fromId]);
      await run(from, ["CLUSTER", "SETSLOT", slot, "MIGRATING", toId]);
      let count = 0;
      while (true) {
        const keys = (await run(from, [
          "CLUSTER",
          "GETKEYSINSLOT",
          slot,
          "100",
        ])).trim().split("\n").filter(Boolean);
        if (keys.length === 0) break;
        count += keys.length;
        const moved = await run(from, [
          "MIGRATE",
          "127.0.0.1",
          String(to),
          "",
          "0",
          "5000",
          "KEYS",
          ...keys,
        ]);
        if (!moved.startsWith("OK") && !moved.startsWith("NOKEY")) {
          throw new Error(`MIGRATE ${keys}: ${moved}`);
        }
      }
      const primaries = (await nodesSeenBy(to)).filter((node) =>
        node.flags.includes("master") && children.has(node.port)
      ).map((node) => node.port);
      for (const port of [to, from, ...primaries]) {
        await run(port, ["CLUSTER", "SETSLOT", slot, "NODE", toId]);
      }
      return count;
    },
    kill,
    start: launch,
    settled,
    async stop() {
      await Promise.all([...children.keys()].map(kill));
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    },
  };
}
