/** Starts a real `redis-server` on a free loopback port for tests. */
import { freePort } from "./server.ts";

/** A running redis-server. */
export interface RunningRedis {
  url: string;
  port: number;
  /** Kills it and removes its data. */
  stop(): Promise<void>;
  /** Kills it, keeping its data (with `persist`), as a crash would. */
  kill(): Promise<void>;
  /** Starts it again on the same port after {@linkcode kill}. */
  start(): Promise<void>;
  /** Freezes (SIGSTOP) or thaws (SIGCONT) the process: its connections stay open, it answers nothing. */
  freeze(frozen: boolean): void;
}

/** Path of redis-server, or undefined when it is not installed. */
export function redisServerPath(): string | undefined {
  for (const dir of ["/usr/bin", "/usr/local/bin", "/usr/sbin"]) {
    try {
      Deno.statSync(`${dir}/redis-server`);
      return `${dir}/redis-server`;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Runs `redis-cli -p port ...args` and returns what it printed (an error reply too); throws when redis-cli fails. */
export async function redisCli(port: number, args: string[]): Promise<string> {
  const server = redisServerPath();
  if (!server) throw new Error("redis-server is not installed");
  const out = await new Deno.Command(
    server.replace(/redis-server$/, "redis-cli"),
    {
      args: ["-p", String(port), ...args],
      stdout: "piped",
      stderr: "piped",
    },
  ).output();
  const text = new TextDecoder().decode(out.stdout);
  if (!out.success) {
    const stderr = new TextDecoder().decode(out.stderr);
    throw new Error(`redis-cli ${args.join(" ")}: ${text}${stderr}`);
  }
  return text;
}

/**
 * Why Redis tests cannot run here, or undefined when they can. In CI a
 * missing redis-server is a failure, not a reason to skip.
 */
export function redisSkipReason(): string | undefined {
  if (redisServerPath() || Deno.env.get("CI")) return undefined;
  return "redis-server is not installed (apt-get install redis-server); skipped outside CI";
}

/**
 * Starts redis-server and waits until it answers; `persist` keeps data (AOF,
 * fsync always) across restarts; `replicaOf` makes it a replica of the Redis
 * on that port.
 */
export async function startRedis(
  options: { persist?: boolean; replicaOf?: number } = {},
): Promise<RunningRedis> {
  const path = redisServerPath();
  if (!path) throw new Error("redis-server is not installed");
  const port = freePort();
  // Its own directory always: a replica's full sync writes dump.rdb there,
  // and a Redis started in the project root would load one left behind.
  const dir = await Deno.makeTempDir({ prefix: "redis-" });
  let child: Deno.ChildProcess | undefined;
  const launch = async () => {
    child = new Deno.Command(path, {
      args: [
        "--port",
        String(port),
        "--bind",
        "127.0.0.1",
        "--dir",
        dir,
        "--save",
        "",
        ...(options.persist
          ? ["--appendonly", "yes", "--appendfsync", "always"]
          : ["--appendonly", "no"]),
        ...(options.replicaOf
          ? ["--replicaof", "127.0.0.1", String(options.replicaOf)]
          : []),
        "--repl-diskless-sync-delay",
        "0",
        "--daemonize",
        "no",
      ],
      stdout: "null",
      stderr: "null",
    }).spawn();
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      try {
        const conn = await Deno.connect({ hostname: "127.0.0.1", port });
        await conn.write(new TextEncoder().encode("PING\r\n"));
        const buf = new Uint8Array(16);
        const n = await conn.read(buf);
        conn.close();
        if (
          n && new TextDecoder().decode(buf.subarray(0, n)).startsWith("+PONG")
        ) {
          return;
        }
      } catch {
        // not up yet
      }
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error("redis-server did not start");
  };
  const stop = async () => {
    if (!child) return;
    try {
      child.kill("SIGKILL");
    } catch {
      // gone
    }
    await child.status;
    child = undefined;
  };
  await launch();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    async stop() {
      await stop();
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    },
    kill: stop,
    start: launch,
    freeze(frozen) {
      child?.kill(frozen ? "SIGSTOP" : "SIGCONT");
    },
  };
}
