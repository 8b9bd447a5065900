/**
 * The runtime's ceiling: the bench's subset of the protocol with nothing
 * else. `join` adds the socket to its room and answers a welcome; `message`
 * is serialised once and sent to everyone in the room. No storage, no
 * validation, no presence. `PORT` and `HOSTNAME` as for main.ts.
 */

const rooms = new Map<string, Set<WebSocket>>();
let seq = 0;

function serve(req: Request): Response {
  const url = new URL(req.url);
  if (url.pathname === "/healthz") return Response.json({ ok: true });
  if (url.pathname === "/metrics") {
    return new Response(
      `process_heap_used_bytes ${Deno.memoryUsage().heapUsed}\n`,
    );
  }
  const match = url.pathname.match(/^\/api\/rooms\/([^/]+)\/ws$/);
  if (!match) return new Response("not found", { status: 404 });
  const room = decodeURIComponent(match[1]);
  const { socket, response } = Deno.upgradeWebSocket(req);
  let username = "";
  let peers: Set<WebSocket> | undefined;
  socket.onmessage = (event) => {
    const frame = JSON.parse(event.data);
    if (frame.type === "join") {
      username = frame.username;
      peers = rooms.get(room) ?? new Set();
      rooms.set(room, peers);
      peers.add(socket);
      socket.send(JSON.stringify({
        type: "welcome",
        room,
        username,
        members: [],
        history: [],
      }));
    } else if (frame.type === "message" && peers) {
      const data = JSON.stringify({
        type: "message",
        id: String(++seq),
        room,
        username,
        text: frame.text,
        ts: Date.now(),
      });
      for (const peer of peers) peer.send(data);
    }
  };
  socket.onclose = () => {
    peers?.delete(socket);
    if (peers?.size === 0) rooms.delete(room);
  };
  return response;
}

Deno.serve({
  port: Number(Deno.env.get("PORT") ?? 8001),
  hostname: Deno.env.get("HOSTNAME") ?? "127.0.0.1",
  onListen() {},
}, serve);

// Exits normally on SIGTERM, so that `--cpu-prof` writes its profile.
Deno.addSignalListener("SIGTERM", () => Deno.exit(0));
