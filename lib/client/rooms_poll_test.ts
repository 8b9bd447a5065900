import { deepStrictEqual as assertEquals } from "node:assert/strict";
import type { RoomSummary } from "../protocol/events.ts";
import { FakeClock } from "../fake_clock.ts";
import { ROOMS_POLL_MS, RoomsPoll } from "./rooms_poll.ts";

const lobby: RoomSummary = { room: "lobby", online: 2, lastMessageAt: null };

function setup(answers: (() => Promise<Response>)[]) {
  const clock = new FakeClock(0);
  const lists: RoomSummary[][] = [];
  const urls: string[] = [];
  let hidden = false;
  let polled: () => void = () => {};
  const poll = new RoomsPoll({
    clock,
    hidden: () => hidden,
    onRooms: (rooms) => lists.push(rooms),
    onPolled: () => polled(),
    fetch: (input) => {
      urls.push(String(input));
      const answer = answers.shift();
      if (!answer) throw new Error("no answer left");
      return answer();
    },
  });
  /** Resolves after the next attempt's end (its onPolled). */
  const nextPoll = () => new Promise<void>((resolve) => polled = resolve);
  const hide = (value: boolean) => {
    hidden = value;
    poll.visibilityChanged();
  };
  return { clock, poll, lists, urls, nextPoll, hide };
}

const ok = () => Promise.resolve(Response.json({ rooms: [lobby] }));

Deno.test("rooms poll: every ROOMS_POLL_MS while visible, a failure keeping the last list", async () => {
  const { clock, poll, lists, urls, nextPoll } = setup([
    ok,
    () => Promise.resolve(new Response("busy", { status: 503 })),
    () => Promise.reject(new TypeError("offline")),
    ok,
  ]);
  poll.start();
  clock.tick(ROOMS_POLL_MS - 1);
  assertEquals(urls, []);
  for (let i = 0; i < 4; i++) {
    const done = nextPoll();
    clock.tick(ROOMS_POLL_MS);
    await done;
  }
  assertEquals(urls, Array(4).fill("/api/rooms"));
  assertEquals(lists, [[lobby], [lobby]]);
  poll.stop();
  assertEquals(clock.pending, 0);
});

Deno.test("rooms poll: paused while hidden, polls at once when shown", async () => {
  const { clock, poll, urls, nextPoll, hide } = setup([ok]);
  poll.start();
  hide(true);
  assertEquals(clock.pending, 0);
  clock.tick(ROOMS_POLL_MS * 10);
  assertEquals(urls, []);
  const done = nextPoll();
  hide(false);
  await done;
  assertEquals(urls.length, 1);
  assertEquals(clock.pending, 1, "and polls on from there");
  poll.stop();
});

Deno.test("rooms poll: a list that comes back after stop is dropped and nothing is scheduled", async () => {
  let answer: (response: Response) => void = () => {};
  let asked: () => void = () => {};
  const askedOnce = new Promise<void>((resolve) => asked = resolve);
  const { clock, poll, lists } = setup([() => {
    asked();
    return new Promise((resolve) => answer = resolve);
  }]);
  const polling = poll.poll();
  await askedOnce;
  poll.stop();
  answer(Response.json({ rooms: [lobby] }));
  await polling;
  assertEquals(lists, []);
  assertEquals(clock.pending, 0);
});
