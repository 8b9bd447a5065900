import { createClient, createCluster } from "@redis/client";
import { withDeadline, within } from "../../clock.ts";

/** Listener of a pub/sub channel. */
export type ChannelListener = (message: string, channel: string) => void;

/**
 * One Redis or one Redis Cluster, as this project uses it: commands routed by
 * key, and pub/sub per room (sharded in a cluster).
 */
export interface RedisClient {
  /** Runs a command; in a cluster it goes to the primary of `key`'s slot (without one: every primary). */
  sendCommand(args: string[], key?: string): Promise<unknown>;
  /** Publishes (`SPUBLISH` in a cluster, so only the channel's shard carries it). */
  publish(channel: string, message: string): Promise<unknown>;
  /** Subscribes (`SSUBSCRIBE` in a cluster). */
  subscribe(channel: string, listener: ChannelListener): Promise<void>;
  /** Unsubscribes `listener`. */
  unsubscribe(channel: string, listener: ChannelListener): Promise<void>;
  /** Blocks until `replicas` replicas have this connection's writes to `key`'s shard; returns how many did within `timeoutMs`. */
  waitReplicas(
    key: string,
    options: { replicas: number; timeoutMs: number },
  ): Promise<number>;
  /** Whether this talks to a cluster. */
  readonly cluster: boolean;
  close(): Promise<void>;
  destroy(): void;
}

/** A raw Redis reply. */
export type Reply = string | number | null | Reply[];

/** Options of {@linkcode connectRedis}. */
export interface ConnectOptions {
  /** One Redis (`redis://host:port`); ignored when `clusterNodes` is given. */
  url?: string;
  /** `host:port` seeds of a Redis Cluster. */
  clusterNodes?: string[];
  /** Told about connection errors (at most once per outage). */
  onError?(error: Error): void;
  /** Told when the connection is back after an outage (in a cluster: a node's). */
  onReconnect?(): void;
  /** Wait for the first connection (default true); otherwise keep retrying in the background. */
  waitForConnection?: boolean;
  /** Only for pub/sub: in a cluster, connect to a shard only when a channel of it is subscribed. */
  pubSubOnly?: boolean;
}

/** Longest wait for a TCP connection to one node. */
export const CONNECT_TIMEOUT_MS = 2000;
/** How long a cluster node may stay unreachable before the slot map is fetched again (a failover moved its slots). */
export const TOPOLOGY_REFRESH_MS = 500;
/** Attempts of a multi-key command meeting `TRYAGAIN` (its slot is half-way through a migration). */
export const TRYAGAIN_ATTEMPTS = 40;
/** Pause before a command that met `TRYAGAIN` is sent again. */
const TRYAGAIN_PAUSE_MS = 25;
/** Hash slots of a Redis Cluster. */
const SLOTS = 16_384;
/** Pause between attempts to reach a cluster that was down at start. */
const CLUSTER_RETRY_MS = 1000;

const socket = {
  connectTimeout: CONNECT_TIMEOUT_MS,
  reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, 1000),
};

// deno-lint-ignore no-explicit-any
type Raw = any;

function outage(
  target: { on(event: string, listener: (...args: Raw[]) => void): unknown },
  options: ConnectOptions,
  events: { error: string; ready: string },
): void {
  let down = false;
  target.on(events.error, (error: Error) => {
    if (down) return;
    down = true;
    options.onError?.(error);
  });
  target.on(events.ready, () => {
    if (!down) return;
    down = false;
    options.onReconnect?.();
  });
}

function single(options: ConnectOptions): {
  client: RedisClient;
  connect: () => Promise<unknown>;
} {
  const raw: Raw = createClient({
    url: options.url,
    disableOfflineQueue: true,
    socket,
  });
  outage(raw, options, { error: "error", ready: "ready" });
  const client: RedisClient = {
    cluster: false,
    sendCommand: (args) => raw.sendCommand(args),
    publish: (channel, message) => raw.publish(channel, message),
    subscribe: (channel, listener) => raw.subscribe(channel, listener),
    unsubscribe: (channel, listener) => raw.unsubscribe(channel, listener),
    async waitReplicas(_key, { replicas, timeoutMs }) {
      return Number(
        await raw.sendCommand(["WAIT", String(replicas), String(timeoutMs)]),
      );
    },
    close: () => raw.close(),
    destroy: () => raw.destroy(),
  };
  return { client, connect: () => raw.connect() };
}

function cluster(nodes: string[], options: ConnectOptions): {
  client: RedisClient;
  connect: () => Promise<unknown>;
} {
  const raw: Raw = createCluster({
    rootNodes: nodes.map((node) => ({ url: `redis://${node}` })),
    defaults: { disableOfflineQueue: true, socket },
    topologyRefreshOnReconnectionAttemptStrategy: TOPOLOGY_REFRESH_MS,
    minimizeConnections: options.pubSubOnly ?? false,
  });
  outage(raw, options, { error: "node-error", ready: "node-ready" });
  raw.on("error", () => {});
  let closed = false;
  let connected: Promise<unknown> | undefined;
  const connecting = () => connected !== undefined;
  /** Until the first connection, gives it a moment, then fails (never a command on a half-known cluster). */
  const ready = async () => {
    if (!connected) return;
    await within(connected.catch(() => {}), { ms: CONNECT_TIMEOUT_MS });
    if (connecting()) {
      throw new Error("not connected to the Redis Cluster yet");
    }
  };
  const client: RedisClient = {
    cluster: true,
    async sendCommand(args, key) {
      await ready();
      for (let attempt = 1;; attempt++) {
        try {
          return await raw.sendCommand(key, false, args);
        } catch (error) {
          const tryAgain = String((error as Error)?.message).startsWith(
            "TRYAGAIN",
          );
          if (!tryAgain || attempt >= TRYAGAIN_ATTEMPTS) throw error;
          await new Promise((r) => setTimeout(r, TRYAGAIN_PAUSE_MS));
        }
      }
    },
    publish: (channel, message) =>
      client.sendCommand(["SPUBLISH", channel, message], channel),
    async subscribe(channel, listener) {
      await ready();
      await raw.sSubscribe(channel, listener);
    },
    unsubscribe: (channel, listener) => raw.sUnsubscribe(channel, listener),
    async waitReplicas(key, { replicas, timeoutMs }) {
      // The node's own connection, the one that carried the write: WAIT
      // counts that connection's writes, and must not fan out to every shard.
      const node = await raw.getNodeClientForKey(key);
      return Number(
        await node.sendCommand(["WAIT", String(replicas), String(timeoutMs)]),
      );
    },
    close: () => {
      closed = true;
      return raw.close();
    },
    destroy: () => {
      closed = true;
      raw.destroy();
    },
  };
  /** One attempt: the slot map must cover every slot (a cluster still forming answers with none). */
  const attempt = async () => {
    try {
      await withDeadline(raw.connect(), {
        ms: 2 * CONNECT_TIMEOUT_MS,
        error: () => new Error("the cluster did not answer in time"),
      });
    } catch (error) {
      raw.destroy();
      throw error;
    }
    const slots = raw.slots as ({ master?: unknown } | undefined)[];
    let covered = 0;
    for (let i = 0; i < SLOTS; i++) if (slots[i]?.master) covered++;
    if (covered === SLOTS) return;
    raw.destroy();
    throw new Error("the cluster does not serve every slot yet");
  };
  const connect = () =>
    connected = (async () => {
      while (true) {
        try {
          await attempt();
          connected = undefined;
          return;
        } catch (error) {
          if (closed || (options.waitForConnection ?? true)) throw error;
          options.onError?.(error as Error);
          await new Promise((r) => setTimeout(r, CLUSTER_RETRY_MS));
          if (closed) throw error;
        }
      }
    })();
  return { client, connect };
}

/**
 * Connects to one Redis or a cluster, with commands failing at once while a
 * node is unreachable (no offline queue, so nothing waits forever); it
 * reconnects on its own, and in a cluster follows failovers, `MOVED` and `ASK`.
 */
export async function connectRedis(
  options: ConnectOptions,
): Promise<RedisClient> {
  const { client, connect } = options.clusterNodes?.length
    ? cluster(options.clusterNodes, options)
    : single(options);
  const connecting = connect();
  if (options.waitForConnection ?? true) await connecting;
  else connecting.catch(() => {});
  return client;
}

/** Runs a raw command; its first argument (the key, if any) routes it in a cluster. */
export function command(client: RedisClient, args: string[]): Promise<Reply> {
  return client.sendCommand(args, args[1]) as Promise<Reply>;
}

/** A Lua script run by its SHA1, loaded on first use or after a Redis restart. */
export class Script {
  readonly source: string;
  #sha: Promise<string>;

  /** Wraps Lua `source`. */
  constructor(source: string) {
    this.source = source;
    this.#sha = crypto.subtle.digest(
      "SHA-1",
      new TextEncoder().encode(source),
    ).then((hash) =>
      Array.from(new Uint8Array(hash), (b) => b.toString(16).padStart(2, "0"))
        .join("")
    );
  }

  /** Runs the script with `keys` (all in one slot; the first routes it) and `args`. */
  async run(
    client: RedisClient,
    options: { keys: string[]; args: string[] },
  ): Promise<Reply> {
    const tail = [
      String(options.keys.length),
      ...options.keys,
      ...options.args,
    ];
    const key = options.keys[0];
    try {
      return await client.sendCommand(
        ["EVALSHA", await this.#sha, ...tail],
        key,
      ) as Reply;
    } catch (error) {
      if (!String((error as Error)?.message).includes("NOSCRIPT")) throw error;
      return await client.sendCommand(
        ["EVAL", this.source, ...tail],
        key,
      ) as Reply;
    }
  }
}
