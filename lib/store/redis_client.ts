import { createClient } from "@redis/client";

/** The part of a node-redis client this project uses. */
export interface RedisClient {
  sendCommand(args: string[]): Promise<unknown>;
  publish(channel: string, message: string): Promise<number>;
  subscribe(
    channel: string,
    listener: (message: string, channel: string) => void,
  ): Promise<void>;
  unsubscribe(
    channel: string,
    listener?: (message: string, channel: string) => void,
  ): Promise<void>;
  on(event: string, listener: (...args: never[]) => void): unknown;
  connect(): Promise<unknown>;
  close(): Promise<void>;
  destroy(): void;
  readonly isReady: boolean;
}

/** A raw Redis reply. */
export type Reply = string | number | null | Reply[];

/** Options of {@linkcode connectRedis}. */
export interface ConnectOptions {
  url: string;
  /** Told about connection errors (at most once per outage). */
  onError?(error: Error): void;
  /** Told when the connection is back after an outage. */
  onReconnect?(): void;
  /** Wait for the first connection (default true); otherwise keep retrying in the background. */
  waitForConnection?: boolean;
}

/**
 * Connects with commands failing at once while Redis is unreachable (no
 * offline queue, so nothing waits forever) and reconnects on its own.
 */
export async function connectRedis(
  options: ConnectOptions,
): Promise<RedisClient> {
  let down = false;
  const client = createClient({
    url: options.url,
    disableOfflineQueue: true,
    socket: {
      connectTimeout: 2000,
      reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, 1000),
    },
  }) as unknown as RedisClient;
  client.on("error", (error: Error) => {
    if (down) return;
    down = true;
    options.onError?.(error);
  });
  client.on("ready", () => {
    if (!down) return;
    down = false;
    options.onReconnect?.();
  });
  const connecting = client.connect();
  if (options.waitForConnection ?? true) await connecting;
  else connecting.catch(() => {});
  return client;
}

/** Runs a raw command. */
export function command(client: RedisClient, args: string[]): Promise<Reply> {
  return client.sendCommand(args) as Promise<Reply>;
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

  /** Runs the script with `keys` and `args`. */
  async run(
    client: RedisClient,
    options: { keys: string[]; args: string[] },
  ): Promise<Reply> {
    const tail = [
      String(options.keys.length),
      ...options.keys,
      ...options.args,
    ];
    try {
      return await command(client, ["EVALSHA", await this.#sha, ...tail]);
    } catch (error) {
      if (!String((error as Error)?.message).includes("NOSCRIPT")) throw error;
      return await command(client, ["EVAL", this.source, ...tail]);
    }
  }
}
