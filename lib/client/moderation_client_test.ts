import { deepStrictEqual as assertEquals } from "node:assert/strict";
import type { ServerEvent } from "../protocol/events.ts";
import { FakeClock } from "../fake_clock.ts";
import { ChatClient, SIGNED_OUT_ALERT } from "./chat_client.ts";
import type { SocketLike } from "./reconnecting_socket.ts";

class Socket implements SocketLike {
  readyState = 0;
  sent: Record<string, unknown>[] = [];
  onopen: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onclose: ((event: { code: number }) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  send(data: string) {
    this.sent.push(JSON.parse(data));
  }
  close() {
    this.readyState = 3;
  }
  receive(event: ServerEvent) {
    this.onmessage?.({ data: JSON.stringify(event) });
  }
}

function joinedClient() {
  const sockets: Socket[] = [];
  const clock = new FakeClock();
  const client = new ChatClient({
    room: "lobby",
    socketUrl: "ws://x/api/rooms/lobby/ws",
    messagesUrl: "http://x/api/rooms/lobby/messages",
    createSocket: () => {
      const socket = new Socket();
      sockets.push(socket);
      return socket;
    },
    clock,
    random: () => 0.5,
  });
  client.join("alice");
  sockets[0].readyState = 1;
  sockets[0].onopen?.({});
  sockets[0].receive({
    type: "welcome",
    room: "lobby",
    username: "alice",
    members: ["alice"],
    history: [],
  });
  return { client, sockets, clock };
}

Deno.test("a notice becomes a moderation line in the timeline", () => {
  const { client, sockets } = joinedClient();
  sockets[0].receive({
    type: "notice",
    action: "mute",
    username: "bob",
    by: "olga",
    ts: 1000,
    until: 1000 + 600_000,
    reason: "calm down",
  });
  assertEquals(client.state.notices.map((n) => [n.kind, n.text]), [
    ["moderation", "bob was muted by olga for 10 minutes: calm down"],
  ]);
});

Deno.test("kicked: the alert says so and the client does not reconnect", () => {
  const { client, sockets, clock } = joinedClient();
  sockets[0].receive({
    type: "error",
    code: "kicked",
    message: "You were removed from the room by a moderator.",
  });
  sockets[0].readyState = 3;
  sockets[0].onclose?.({ code: 4003 });
  assertEquals(client.state.status, "closed");
  assertEquals(
    client.state.alert,
    "You were removed from the room by a moderator.",
  );
  assertEquals(clock.pending, 0);
  clock.tick(60_000);
  assertEquals(sockets.length, 1);
});

Deno.test("signed out (4001): the alert says so and the client does not reconnect", () => {
  const { client, sockets, clock } = joinedClient();
  sockets[0].receive({
    type: "error",
    code: "unauthorized",
    message: "You signed out; sign in again to go on.",
  });
  sockets[0].readyState = 3;
  sockets[0].onclose?.({ code: 4001 });
  assertEquals(client.state.status, "closed");
  assertEquals(client.state.alert, SIGNED_OUT_ALERT);
  assertEquals(clock.pending, 0);
  clock.tick(60_000);
  assertEquals(sockets.length, 1);
});

Deno.test("any other close: the client reconnects", () => {
  const { sockets, clock } = joinedClient();
  sockets[0].readyState = 3;
  sockets[0].onclose?.({ code: 1006 });
  clock.tick(60_000);
  assertEquals(sockets.length, 2);
});

Deno.test("forbidden on a message fails it for good, with the server's words", () => {
  const { client, sockets } = joinedClient();
  client.send("hello");
  sockets[0].receive({
    type: "error",
    code: "forbidden",
    message: "You are muted in this room for now.",
  });
  assertEquals(client.state.outbox.map((m) => [m.status, m.retryable]), [
    ["failed", false],
  ]);
  assertEquals(client.state.alert, "You are muted in this room for now.");
});

Deno.test("moderate sends the frame as it is", () => {
  const { client, sockets } = joinedClient();
  assertEquals(
    client.moderate({ type: "ban", username: "troll", durationS: 60 }),
    true,
  );
  assertEquals(sockets[0].sent.at(-1), {
    type: "ban",
    username: "troll",
    durationS: 60,
  });
});
