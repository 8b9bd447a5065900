/**
 * Runs a server with no network at all: in a fresh network namespace
 * (`unshare -rn`) where only loopback is up. The test reaches it through a
 * Unix socket, which namespaces share: the test listens on a loopback port of
 * its own and relays to netns_relay.ts, which relays to the server's port.
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const RELAY = fileURLToPath(new URL("netns_relay.ts", import.meta.url));
const WRAPPER = [
  "ip link set lo up || exit 97",
  `DENO_DIR="$1" "$2" run -A "$4" "$3" "$5" $$ </dev/null >/dev/null 2>&1 &`,
  "shift 5",
  'exec "$@"',
].join("\n");

/** Whether processes can be cut off the network here; the reason when not. */
export type OfflineSupport = { ok: true } | { ok: false; reason: string };

/** A command wrapped to run offline, with the relay that reaches it. */
export interface OfflineRun {
  /** Runs the given command in a new network namespace; pass to startServer. */
  command: string[];
  /** Stops relaying and removes the socket. */
  close(): Promise<void>;
}

/** Options of {@linkcode offlineRun}. */
export interface OfflineRunOptions {
  /** The port the server listens on inside its namespace; relayed from the same port here. */
  port: number;
}

/** Tries `unshare -rn` once with loopback brought up. */
export async function offlineSupport(): Promise<OfflineSupport> {
  try {
    const { success, stderr } = await new Deno.Command("unshare", {
      args: ["-rn", "sh", "-c", "ip link set lo up"],
      stdin: "null",
      stdout: "null",
      stderr: "piped",
    }).output();
    if (success) return { ok: true };
    return {
      ok: false,
      reason: `unshare -rn failed: ${new TextDecoder().decode(stderr).trim()}`,
    };
  } catch (error) {
    return { ok: false, reason: `unshare is not available: ${error}` };
  }
}

/** Wraps `command` to run with no network and starts relaying `port` to it. */
export async function offlineRun(
  command: string[],
  options: OfflineRunOptions,
): Promise<OfflineRun> {
  const dir = await Deno.makeTempDir({ prefix: "chat_offline_" });
  const socket = join(dir, "relay.sock");
  const relayDenoDir = join(dir, "relay_deno_dir");
  const listener = Deno.listen({ hostname: "127.0.0.1", port: options.port });
  const open = new Set<Deno.Conn>();
  const accepting = (async () => {
    for await (const conn of listener) {
      open.add(conn);
      relay(conn, socket).finally(() => open.delete(conn));
    }
  })().catch(() => {});
  return {
    command: [
      "unshare",
      "-rn",
      "sh",
      "-c",
      WRAPPER,
      "sh",
      relayDenoDir,
      Deno.execPath(),
      socket,
      RELAY,
      String(options.port),
      ...command,
    ],
    async close() {
      listener.close();
      for (const conn of open) closeQuietly(conn);
      await accepting;
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    },
  };
}

async function relay(conn: Deno.Conn, socket: string): Promise<void> {
  let upstream: Deno.Conn;
  try {
    upstream = await Deno.connect({ transport: "unix", path: socket });
  } catch {
    closeQuietly(conn);
    return;
  }
  await Promise.allSettled([
    conn.readable.pipeTo(upstream.writable),
    upstream.readable.pipeTo(conn.writable),
  ]);
  closeQuietly(conn);
  closeQuietly(upstream);
}

function closeQuietly(conn: Deno.Conn): void {
  try {
    conn.close();
  } catch {
    // already closed
  }
}
