import assert from "node:assert/strict";
import { MemoryStore } from "../backends/memory/store.ts";
import { FakeClock } from "../fake_clock.ts";
import { ChatMetrics } from "../metrics.ts";
import { MAX_FRAME_BYTES } from "../protocol/limits.ts";
import { RATE_LIMIT } from "./connection_rates.ts";
import { LocalFanout } from "./fanout.ts";
import { Hub } from "./hub.ts";
import { LocalPresence } from "./presence.ts";
import { Session } from "./session.ts";
import type { SessionContext } from "./session_context.ts";

type Frame = Record<string, unknown> & { type: string };

/** A socket the test writes into and reads from; closing it closes the session. */
class FakeSocket {
  readyState = 1;
  bufferedAmount = 0;
  frames: Frame[] = [];
  closed: { code: number; reason: string } | undefined;
  #listeners = new Map<string, EventListenerObject>();
  #waiters: (() => void)[] = [];

  addEventListener(type: string, listener: EventListenerObject): void {
    this.#listeners.set(type, listener);
  }

  #dispatch(event: Record<string, unknown> & { type: string }): void {
    this.#listeners.get(event.type)?.handleEvent(event as unknown as Event);
  }

  send(data: string): void {
    const frame = JSON.parse(data) as Frame;
    const events = frame.type === "batch" ? frame.events as Frame[] : [frame];
    this.frames.push(...events);
    for (const wake of this.#waiters.splice(0)) wake();
  }

  close(code: number, reason: string): void {
    if (this.readyState !== 1) return;
    this.closed = { code, reason };
    this.readyState = 3;
    this.#dispatch({ type: "close", code, reason, wasClean: true });
  }

  receive(frame: unknown): void {
    this.#dispatch({
      type: "message",
      data: typeof frame === "string" ? frame : JSON.stringify(frame),
    });
  }

  /** Waits until `count` frames of `type` have arrived; returns the last. */
  async next(type: string, count = 1): Promise<Frame> {
    while (true) {
      const found = this.frames.filter((f) => f.type === type);
      if (found.length >= count) return found[count - 1];
      await new Promise<void>((wake) => this.#waiters.push(wake));
    }
  }
}

function setup() {
  const clock = new FakeClock();
  const store = new MemoryStore();
  const fanout = new LocalFanout();
  const work: Promise<unknown>[] = [];
  const context: SessionContext = {
    store,
    fanout,
    hub: new Hub({ store, fanout }),
    presence: new LocalPresence(),
    log: () => {},
    rateLimit: true,
    maxBufferedBytes: 1 << 20,
    metrics: new ChatMetrics(),
    clock,
    track: (promise) => work.push(promise),
  };
  const sockets: FakeSocket[] = [];
  function open(): FakeSocket {
    const socket = new FakeSocket();
    new Session(socket as unknown as WebSocket, { room: "lobby", context });
    sockets.push(socket);
    return socket;
  }
  async function end(): Promise<void> {
    for (const socket of sockets) socket.close(1000, "done");
    await Promise.allSettled(work);
    await store.close();
    fanout.close();
  }
  return { clock, open, end };
}

Deno.test("session: join, welcome, one message echoed (stamped by the clock), a second join refused", async () => {
  const { clock, open, end } = setup();
  const ann = open();
  ann.receive({ type: "join", username: "ann" });
  const welcome = await ann.next("welcome");
  assert.equal(welcome.username, "ann");
  assert.deepEqual(welcome.members, ["ann"]);
  ann.receive({ type: "message", text: "hi", nonce: "n1" });
  const echo = await ann.next("message");
  assert.equal(echo.text, "hi");
  assert.equal(echo.nonce, "n1");
  assert.equal(echo.ts, clock.now());
  ann.receive({ type: "join", username: "ann" });
  const refused = await ann.next("error");
  assert.equal(refused.code, "bad_frame");
  assert.equal(refused.message, "Already joined.");
  await end();
});

Deno.test("session: frames before the join are not_joined; a taken name rolls back to a new join", async () => {
  const { clock, open, end } = setup();
  const ann = open();
  ann.receive({ type: "join", username: "ann" });
  await ann.next("welcome");
  const other = open();
  other.receive({ type: "message", text: "hi", nonce: "n1" });
  const early = await other.next("error");
  assert.equal(early.code, "not_joined");
  assert.equal(early.nonce, "n1");
  other.receive({ type: "join", username: "ANN" });
  const taken = await other.next("error", 2);
  assert.equal(taken.code, "name_taken");
  other.receive({ type: "join", username: "bob" });
  const welcome = await other.next("welcome");
  assert.deepEqual(welcome.members, ["ann", "bob"]);
  const joined = await ann.next("joined");
  assert.equal(joined.username, "bob");
  assert.equal(joined.ts, clock.now());
  await end();
});

Deno.test("session: the message rate limit refills on the clock", async () => {
  const { clock, open, end } = setup();
  const ann = open();
  ann.receive({ type: "join", username: "ann" });
  await ann.next("welcome");
  for (let i = 0; i <= RATE_LIMIT.burst; i++) {
    ann.receive({ type: "message", text: `m${i}`, nonce: `n${i}` });
  }
  const limited = await ann.next("error");
  assert.equal(limited.code, "rate_limited");
  assert.equal(limited.nonce, `n${RATE_LIMIT.burst}`);
  await ann.next("message", RATE_LIMIT.burst);
  ann.receive({ type: "message", text: "again", nonce: "again1" });
  const still = await ann.next("error", 2);
  assert.equal(still.code, "rate_limited");
  clock.tick(1000 / RATE_LIMIT.perSecond);
  ann.receive({ type: "message", text: "again", nonce: "again2" });
  const passed = await ann.next("message", RATE_LIMIT.burst + 1);
  assert.equal(passed.nonce, "again2");
  await end();
});

Deno.test("session: an oversized frame is refused and closes the socket with 1009", async () => {
  const { open, end } = setup();
  const ann = open();
  ann.receive("x".repeat(MAX_FRAME_BYTES + 1));
  const error = await ann.next("error");
  assert.equal(error.code, "too_large");
  assert.equal(ann.closed?.code, 1009);
  await end();
});
