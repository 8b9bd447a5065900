import assert from "node:assert/strict";
import { MemoryAccounts } from "../backends/memory/accounts.ts";
import { MemoryRooms } from "../backends/memory/rooms.ts";
import { MemoryStore } from "../backends/memory/store.ts";
import { FakeClock } from "../fake_clock.ts";
import { People } from "../people/people.ts";
import { CLOSE_GOING_AWAY } from "../protocol/close_codes.ts";
import { RoomAccess } from "../rooms/access.ts";
import { LocalFanout } from "./fanout.ts";
import { LocalPresence } from "./presence.ts";
import {
  ChatService,
  CLOSE_HANDSHAKE_WAIT_MS,
  IDLE_TIMEOUT_JITTER,
  jitterIdleTimeout,
} from "./service.ts";

Deno.test("idle timeouts are spread below the setting, never above", () => {
  assert.equal(jitterIdleTimeout(30, () => 0), 30);
  assert.equal(jitterIdleTimeout(30, () => 1), 30 * (1 - IDLE_TIMEOUT_JITTER));
  const seen = new Set<number>();
  for (let i = 0; i < 1000; i++) {
    const value = jitterIdleTimeout(30);
    assert.ok(value <= 30 && value >= 30 * (1 - IDLE_TIMEOUT_JITTER));
    seen.add(Math.floor(value));
  }
  assert.ok(seen.size >= 5, "spread over the whole range");
});

/** A socket whose client answers the server's close only when told to. */
class SlowCloser {
  readyState = 1;
  bufferedAmount = 0;
  #onClose: EventListenerObject | undefined;
  closedWith: number | undefined;
  #asked: () => void = () => {};
  /** Resolves when the server has sent its close. */
  asked = new Promise<void>((resolve) => this.#asked = resolve);

  addEventListener(type: string, listener: EventListenerObject): void {
    if (type === "close") this.#onClose = listener;
  }

  send(): void {}

  close(code: number): void {
    this.closedWith = code;
    this.readyState = 2;
    this.#asked();
  }

  answer(): void {
    this.readyState = 3;
    const event = { type: "close", code: this.closedWith ?? 1005, reason: "" };
    this.#onClose?.handleEvent(event as unknown as Event);
  }
}

function quietService(clock: FakeClock): ChatService {
  const store = new MemoryStore();
  const fanout = new LocalFanout();
  return new ChatService({
    store,
    fanout,
    presence: new LocalPresence(),
    log: () => {},
    access: new RoomAccess({
      rooms: new MemoryRooms(),
      messages: store,
      fanout,
    }),
    people: new People({
      accounts: new MemoryAccounts({ clock }),
      log: () => {},
    }),
    clock,
  });
}

function openSlowCloser(chat: ChatService): SlowCloser {
  const socket = new SlowCloser();
  const admission = chat.admit("127.0.0.1");
  assert.ok("ticket" in admission);
  chat.open(socket as unknown as WebSocket, {
    room: "lobby",
    ticket: admission.ticket,
  });
  return socket;
}

Deno.test("shutdown closes with 1001 and waits for the client's answer, so no unread frame resets the connection", async () => {
  const clock = new FakeClock();
  const chat = quietService(clock);
  const socket = openSlowCloser(chat);
  let done = false;
  const stopped = chat.shutdown().then(() => done = true);
  await socket.asked;
  assert.equal(socket.closedWith, CLOSE_GOING_AWAY);
  clock.tick(CLOSE_HANDSHAKE_WAIT_MS - 1);
  await Promise.resolve();
  assert.equal(done, false, "stopped before the client answered");
  socket.answer();
  await stopped;
  assert.equal(chat.connections, 0);
});

Deno.test("shutdown waits at most CLOSE_HANDSHAKE_WAIT_MS for a client that never answers", async () => {
  const clock = new FakeClock();
  const chat = quietService(clock);
  const socket = openSlowCloser(chat);
  const stopped = chat.shutdown();
  await socket.asked;
  clock.tick(CLOSE_HANDSHAKE_WAIT_MS);
  await stopped;
  assert.equal(chat.connections, 1, "the silent socket is still counted");
});
