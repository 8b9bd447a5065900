import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { FakeClock } from "../fake_clock.ts";
import { backoffDelay } from "./backoff.ts";
import {
  ReconnectingSocket,
  type SocketLike,
  type SocketStatus,
} from "./reconnecting_socket.ts";

class FakeSocket implements SocketLike {
  readyState = 0;
  sent: string[] = [];
  closedWith: [number?, string?] | null = null;
  onopen: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onclose: ((event: { code: number }) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  send(data: string) {
    this.sent.push(data);
  }
  close(code?: number, reason?: string) {
    this.closedWith = [code, reason];
    this.readyState = 3;
  }
  open() {
    this.readyState = 1;
    this.onopen?.({});
  }
  drop() {
    this.readyState = 3;
    this.onclose?.({ code: 1006 });
  }
}

function setup(options: { retry?: boolean; failCreate?: number } = {}) {
  const clock = new FakeClock(0);
  const sockets: FakeSocket[] = [];
  const log: string[] = [];
  const statuses: SocketStatus[] = [];
  let failures = options.failCreate ?? 0;
  const socket = new ReconnectingSocket({
    url: "ws://x/ws",
    clock,
    random: () => 0.5,
    createSocket: (url) => {
      if (failures-- > 0) throw new SyntaxError(`bad ${url}`);
      const created = new FakeSocket();
      sockets.push(created);
      return created;
    },
    onOpen: () => log.push("open"),
    onText: (data) => log.push(`text ${data}`),
    onLost: () => {
      log.push("lost");
      return options.retry ?? true;
    },
    onStatus: (status) => statuses.push(status),
  });
  return { clock, socket, sockets, log, statuses };
}

Deno.test("reconnecting socket: opens, passes text on, sends only while open", () => {
  const { socket, sockets, log, statuses } = setup();
  assertEquals(socket.active, false);
  assertEquals(socket.send("early"), false);
  socket.connect();
  socket.connect();
  assertEquals(sockets.length, 1, "one socket at a time");
  assertEquals(statuses, [{ status: "connecting" }]);
  assertEquals([socket.active, socket.isOpen], [true, false]);
  assertEquals(socket.send("too early"), false);
  sockets[0].open();
  assertEquals(socket.isOpen, true);
  sockets[0].onmessage?.({ data: "hello" });
  sockets[0].onmessage?.({ data: new Uint8Array(2) });
  assertEquals(socket.send("hi"), true);
  assertEquals(sockets[0].sent, ["hi"]);
  assertEquals(log, ["open", "text hello"]);
});

Deno.test("reconnecting socket: a lost socket comes back after the backoff, growing until reset", () => {
  const { clock, socket, sockets, log, statuses } = setup();
  socket.connect();
  sockets[0].open();
  sockets[0].drop();
  const first = backoffDelay(0, () => 0.5);
  assertEquals(log, ["open", "lost"]);
  assertEquals(statuses.at(-1), { status: "reconnecting", retryAt: first });
  clock.tick(first - 1);
  assertEquals(sockets.length, 1);
  clock.tick(1);
  assertEquals(sockets.length, 2);
  sockets[1].drop();
  const second = backoffDelay(1, () => 0.5);
  clock.tick(second - 1);
  assertEquals(sockets.length, 2, "the second wait is longer");
  clock.tick(1);
  assertEquals(sockets.length, 3);
  socket.resetBackoff();
  sockets[2].drop();
  clock.tick(first);
  assertEquals(sockets.length, 4, "after a reset the shortest wait again");
});

Deno.test("reconnecting socket: connect skips the wait and cancels the pending retry", () => {
  const { clock, socket, sockets } = setup();
  socket.connect();
  sockets[0].drop();
  assertEquals(clock.pending, 1);
  socket.connect();
  assertEquals([sockets.length, clock.pending], [2, 0]);
  clock.tick(60_000);
  assertEquals(sockets.length, 2);
});

Deno.test("reconnecting socket: no retry when the owner says so, after stop, or after close", () => {
  const declined = setup({ retry: false });
  declined.socket.connect();
  declined.sockets[0].drop();
  assertEquals(declined.clock.pending, 0);
  assertEquals(declined.socket.active, false);

  const stopped = setup();
  stopped.socket.connect();
  stopped.socket.stop();
  assertEquals(stopped.sockets[0].closedWith, null, "stop leaves the socket");
  stopped.sockets[0].drop();
  assertEquals(stopped.log, ["lost"]);
  assertEquals(stopped.clock.pending, 0);
  stopped.socket.connect();
  assertEquals(stopped.sockets.length, 1);

  const closed = setup();
  closed.socket.connect();
  closed.sockets[0].open();
  closed.sockets[0].drop();
  closed.clock.tick(backoffDelay(0, () => 0.5));
  closed.socket.close();
  assertEquals(closed.sockets[1].closedWith, [1000, "bye"]);
  closed.sockets[1].onclose?.({ code: 1000 });
  assertEquals(closed.log, ["open", "lost"], "close tells nobody");
  assertEquals([closed.socket.active, closed.clock.pending], [false, 0]);
});

Deno.test("reconnecting socket: a socket that cannot be created is retried", () => {
  const { clock, socket, sockets, statuses } = setup({ failCreate: 2 });
  socket.connect();
  assertEquals(sockets.length, 0);
  const first = backoffDelay(0, () => 0.5);
  assertEquals(statuses, [
    { status: "connecting" },
    { status: "reconnecting", retryAt: first },
  ]);
  clock.tick(first);
  assertEquals(sockets.length, 0);
  clock.tick(backoffDelay(1, () => 0.5));
  assertEquals(sockets.length, 1);
});

Deno.test("reconnecting socket: events of a replaced socket are ignored", () => {
  const { clock, socket, sockets, log } = setup();
  socket.connect();
  const old = sockets[0];
  old.drop();
  clock.tick(backoffDelay(0, () => 0.5));
  old.onmessage?.({ data: "stale" });
  old.onclose?.({ code: 1006 });
  old.onopen?.({});
  assertEquals(log, ["lost"]);
  assertEquals([sockets.length, clock.pending], [2, 0]);
});

Deno.test("reconnecting socket: retryNow drops an attempt that never opens and tries at once; nothing while open", () => {
  const { clock, socket, sockets, log } = setup();
  socket.connect();
  socket.connect();
  assertEquals(sockets.length, 1, "connect waits for the attempt in flight");
  socket.retryNow();
  assertEquals(sockets.length, 2);
  assertEquals(sockets[0].closedWith, [1000, "bye"]);
  sockets[0].onclose?.({ code: 1006 });
  sockets[0].onopen?.({});
  assertEquals([log, clock.pending], [[], 0], "the dropped attempt is silent");
  sockets[1].open();
  socket.retryNow();
  assertEquals([sockets.length, sockets[1].closedWith], [2, null]);
  sockets[1].drop();
  assertEquals(clock.pending, 1);
  socket.retryNow();
  assertEquals([sockets.length, clock.pending], [3, 0]);
  socket.stop();
  socket.retryNow();
  assertEquals(sockets.length, 3);
});
