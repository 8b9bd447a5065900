/**
 * Runs inside the server's network namespace (tests/support/offline.ts):
 * accepts on a Unix socket, which the file system shares across namespaces,
 * and forwards each connection to the server's loopback port. Exits once the
 * process it watches has ended.
 *
 * Usage: deno run netns_relay.ts <socket path> <port> <pid to watch>
 */

const POLL_MS = 100;

async function pipe(a: Deno.Conn, b: Deno.Conn): Promise<void> {
  await Promise.allSettled([
    a.readable.pipeTo(b.writable),
    b.readable.pipeTo(a.writable),
  ]);
  for (const conn of [a, b]) {
    try {
      conn.close();
    } catch {
      // closed by the pipe already
    }
  }
}

async function alive(pid: string): Promise<boolean> {
  try {
    const stat = await Deno.readTextFile(`/proc/${pid}/stat`);
    return !/^\d+ \(.*\) [ZX]/.test(stat);
  } catch {
    return false;
  }
}

async function serve(listener: Deno.Listener, port: number): Promise<void> {
  for await (const conn of listener) {
    Deno.connect({ hostname: "127.0.0.1", port }).then(
      (upstream) => pipe(conn, upstream),
      () => conn.close(),
    );
  }
}

if (import.meta.main) {
  const [path, port, pid] = Deno.args;
  const listener = Deno.listen({ transport: "unix", path });
  serve(listener, Number(port)).catch(() => {});
  while (await alive(pid)) {
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  Deno.exit(0);
}
