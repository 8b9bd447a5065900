import {
  deepStrictEqual as assertEquals,
  ok as assert,
} from "node:assert/strict";
import type { MessageEvent, ServerEvent } from "../protocol/events.ts";
import { FakeClock } from "../fake_clock.ts";
import { ChatClient, type ChatClientOptions } from "./chat_client.ts";
import { mergeMessages } from "./chat_state.ts";
import { MAX_NOTICES } from "./chat_reducer.ts";
import type { SocketLike } from "./reconnecting_socket.ts";

class FakeSocket implements SocketLike {
  readyState = 0;
  sent: Record<string, unknown>[] = [];
  onopen: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onclose: ((event: { code: number }) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  constructor(readonly url: string) {}
  send(data: string) {
    this.sent.push(JSON.parse(data));
  }
  close() {
    this.readyState = 3;
  }
  open() {
    this.readyState = 1;
    this.onopen?.({});
  }
  receive(event: ServerEvent) {
    this.onmessage?.({ data: JSON.stringify(event) });
  }
  drop(code = 1006) {
    this.readyState = 3;
    this.onclose?.({ code });
  }
}

function message(id: string, username = "bob", nonce?: string): MessageEvent {
  return {
    type: "message",
    id,
    room: "lobby",
    username,
    text: `text ${id}`,
    ts: 1000,
    ...(nonce ? { nonce } : {}),
  };
}

function setup(options: Partial<ChatClientOptions> = {}) {
  const sockets: FakeSocket[] = [];
  const clock = new FakeClock();
  let nonces = 0;
  const client = new ChatClient({
    room: "lobby",
    clientId: "client-1",
    socketUrl: "ws://x/api/rooms/lobby/ws",
    messagesUrl: "http://x/api/rooms/lobby/messages",
    createSocket: (url) => {
      const socket = new FakeSocket(url);
      sockets.push(socket);
      return socket;
    },
    clock,
    random: () => 0.5,
    nonce: () => `n${++nonces}`,
    ...options,
  });
  return { client, sockets, clock };
}

/** Resolves once the client's state passes `test` (an unmet test leaves the test pending, which fails it). */
function untilState(
  client: ChatClient,
  test: (state: ChatClient["state"]) => boolean,
): Promise<void> {
  return new Promise((resolve) => {
    if (test(client.state)) return resolve();
    const stop = client.subscribe((state) => {
      if (!test(state)) return;
      stop();
      resolve();
    });
  });
}

function welcome(history: MessageEvent[] = [], extra = {}): ServerEvent {
  return {
    type: "welcome",
    room: "lobby",
    username: "alice",
    members: ["alice"],
    history,
    ...extra,
  };
}

Deno.test("mergeMessages keeps ids sorted and unique", () => {
  const merged = mergeMessages([message("b"), message("d")], [
    message("c"),
    message("b"),
    message("a"),
    message("c"),
  ]);
  assertEquals(merged.map((m) => m.id), ["a", "b", "c", "d"]);
});

Deno.test("join sends username, clientId, since, batch and coalesced presence", () => {
  const { client, sockets } = setup({ history: [message("001")] });
  assertEquals(client.join("  alice "), true);
  sockets[0].open();
  assertEquals(sockets[0].sent, [{
    type: "join",
    username: "alice",
    clientId: "client-1",
    since: "001",
    batch: true,
    presence: "coalesced",
  }]);
});

Deno.test("a coalesced presence event becomes join and leave notices and members", () => {
  const { client, sockets } = setup();
  client.join("alice");
  sockets[0].open();
  sockets[0].receive(welcome([]));
  sockets[0].receive({
    type: "presence",
    joined: ["bob", "carol"],
    left: ["dave"],
    members: ["alice", "bob", "carol"],
    count: 3,
    ts: 7,
  });
  assertEquals(client.state.members, ["alice", "bob", "carol"]);
  assertEquals(
    client.state.notices.map((n) => `${n.username} ${n.kind}`),
    ["bob joined", "carol joined", "dave left"],
  );
  sockets[0].receive({
    type: "presence",
    joined: ["Ann"],
    left: ["carol"],
    people: [{ username: "Ann", kind: "account", role: "member" }],
    count: 3,
    ts: 8,
  });
  assertEquals(client.state.members, ["alice", "Ann", "bob"]);
  assertEquals(client.state.people.map((p) => p.username), ["Ann"]);
  assertEquals(client.state.notices.length, 5);
});

Deno.test("an invalid name never reaches the server", () => {
  const { client, sockets } = setup();
  assertEquals(client.join("a\tb"), false);
  assertEquals(sockets.length, 0);
  assert(client.state.needsName);
  assert(client.state.nameError);
});

Deno.test("batch frames are unpacked and duplicates dropped", () => {
  const { client, sockets } = setup({ history: [message("001")] });
  client.join("alice");
  sockets[0].open();
  sockets[0].receive(welcome([message("001"), message("002")]));
  sockets[0].receive({
    type: "batch",
    events: [message("003"), message("002"), {
      type: "joined",
      username: "bob",
      ts: 5,
      members: ["alice", "bob"],
    }],
  });
  assertEquals(client.state.messages.map((m) => m.id), ["001", "002", "003"]);
  assertEquals(client.state.members, ["alice", "bob"]);
  assertEquals(client.state.notices.map((n) => [n.kind, n.username]), [[
    "joined",
    "bob",
  ]]);
});

Deno.test("sent messages carry a nonce and leave the outbox when echoed", () => {
  const { client, sockets } = setup();
  client.join("alice");
  sockets[0].open();
  sockets[0].receive(welcome());
  assertEquals(client.send("hello"), null);
  assertEquals(sockets[0].sent.at(-1), {
    type: "message",
    text: "hello",
    nonce: "n1",
  });
  assertEquals(client.state.outbox.length, 1);
  sockets[0].receive(message("009", "alice", "n1"));
  assertEquals(client.state.outbox.length, 0);
  assertEquals(client.send("   "), "Write something first.");
});

Deno.test("server_error fails the oldest message in flight; resend keeps the nonce", () => {
  const { client, sockets } = setup();
  client.join("alice");
  sockets[0].open();
  sockets[0].receive(welcome());
  client.send("one");
  sockets[0].receive({ type: "error", code: "server_error", message: "x" });
  assertEquals(client.state.outbox[0].status, "failed");
  assert(client.state.outbox[0].retryable);
  client.resend("n1");
  assertEquals(sockets[0].sent.at(-1), {
    type: "message",
    text: "one",
    nonce: "n1",
  });
});

Deno.test("name_taken asks for another name on the same socket", () => {
  const { client, sockets } = setup();
  client.join("alice");
  sockets[0].open();
  sockets[0].receive({ type: "error", code: "name_taken", message: "taken" });
  assert(client.state.needsName);
  assert(client.state.nameError?.includes("already"));
  client.join("alice2");
  assertEquals(sockets.length, 1);
  assertEquals(sockets[0].sent.at(-1)?.username, "alice2");
});

Deno.test("reconnects with backoff, resumes with since and resends unacked", () => {
  const { client, sockets, clock } = setup();
  client.join("alice");
  sockets[0].open();
  sockets[0].receive(welcome([message("001")]));
  client.send("in flight");
  sockets[0].drop(1001);
  assertEquals(client.state.status, "reconnecting");
  client.send("offline");
  clock.tick(374);
  assertEquals(sockets.length, 1);
  clock.tick(1);
  assertEquals(sockets.length, 2);
  sockets[1].open();
  assertEquals(sockets[1].sent[0].since, "001");
  sockets[1].receive(welcome([message("002", "alice", "n1")]));
  assertEquals(sockets[1].sent.slice(1), [{
    type: "message",
    text: "offline",
    nonce: "n2",
  }]);
  assertEquals(client.state.status, "online");
  sockets[1].drop();
  clock.tick(375);
  assertEquals(sockets.length, 3, "backoff resets after a welcome");
});

Deno.test("a truncated welcome fills the hole from the messages API", async () => {
  const requests: string[] = [];
  const older = Array.from(
    { length: 200 },
    (_, i) => message(String(200 + i).padStart(4, "0")),
  );
  const oldest = Array.from(
    { length: 200 },
    (_, i) => message(String(i).padStart(4, "0")),
  );
  const { client, sockets } = setup({
    history: [message("0050")],
    fetch: (input) => {
      const url = new URL(String(input));
      requests.push(url.search);
      const page = url.searchParams.get("before") === "0400" ? older : oldest;
      return Promise.resolve(Response.json({ messages: page }));
    },
  });
  client.join("alice");
  sockets[0].open();
  sockets[0].receive(welcome([message("0400"), message("0401")], {
    truncated: true,
  }));
  await untilState(client, (state) => state.messages.length === 352);
  assertEquals(requests, ["?before=0400&limit=200", "?before=0200&limit=200"]);
  const ids = client.state.messages.map((m) => m.id);
  assertEquals(ids.length, 1 + 149 + 200 + 2);
  assertEquals(ids, [...ids].sort());
});

Deno.test("typing shows for 3 s, is cleared by that person's message, and is sent at most once a second", () => {
  const { client, sockets, clock } = setup();
  client.join("alice");
  sockets[0].open();
  sockets[0].receive(welcome());
  sockets[0].receive({ type: "typing", username: "bob" });
  sockets[0].receive({ type: "typing", username: "alice" });
  assertEquals(client.state.typing, ["bob"]);
  clock.tick(2999);
  assertEquals(client.state.typing, ["bob"]);
  clock.tick(1);
  assertEquals(client.state.typing, []);
  sockets[0].receive({ type: "typing", username: "bob" });
  sockets[0].receive(message("001", "bob"));
  assertEquals(client.state.typing, []);
  client.typing();
  client.typing();
  clock.tick(1000);
  client.typing();
  assertEquals(sockets[0].sent.filter((f) => f.type === "typing").length, 2);
});

Deno.test("loadOlder pages back before the oldest id and stops at an empty page", async () => {
  const requests: string[] = [];
  const pages: Record<string, MessageEvent[]> = {
    "0100": [message("0050"), message("0051")],
    "0050": [],
  };
  const { client } = setup({
    history: [message("0100"), message("0101")],
    fetch: (input) => {
      const url = new URL(String(input));
      requests.push(url.search);
      return Promise.resolve(
        Response.json({ messages: pages[url.searchParams.get("before")!] }),
      );
    },
  });
  assertEquals(client.state.older, "idle");
  const first = client.loadOlder();
  assertEquals(client.state.older, "loading");
  await client.loadOlder();
  await first;
  assertEquals(client.state.messages.map((m) => m.id), [
    "0050",
    "0051",
    "0100",
    "0101",
  ]);
  assertEquals(client.state.older, "idle");
  await client.loadOlder();
  assertEquals(client.state.older, "done");
  await client.loadOlder();
  assertEquals(requests, ["?before=0100&limit=50", "?before=0050&limit=50"]);
});

Deno.test("loadOlder reports a failed page and may be tried again", async () => {
  let fail = true;
  const { client } = setup({
    history: [message("0100")],
    fetch: () =>
      Promise.resolve(
        fail
          ? new Response("no", { status: 503 })
          : Response.json({ messages: [message("0001")] }),
      ),
  });
  await client.loadOlder();
  assertEquals(client.state.older, "error");
  fail = false;
  await client.loadOlder();
  assertEquals(client.state.messages.map((m) => m.id), ["0001", "0100"]);
});

Deno.test("a join/leave flood keeps only the newest notices", () => {
  const { client, sockets } = setup();
  client.join("alice");
  sockets[0].open();
  sockets[0].receive(welcome());
  for (let i = 0; i < MAX_NOTICES * 3; i++) {
    sockets[0].receive({
      type: i % 2 ? "left" : "joined",
      username: "mallory",
      ts: i,
      members: ["alice"],
    });
  }
  assertEquals(client.state.notices.length, MAX_NOTICES);
  assertEquals(client.state.notices.at(-1)?.ts, MAX_NOTICES * 3 - 1);
});
