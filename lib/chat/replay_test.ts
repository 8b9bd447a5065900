import assert from "node:assert/strict";
import type { MessageEvent, PersonView } from "../protocol/events.ts";
import { fitReplay, WELCOME_SLACK, welcomeFrame } from "./replay.ts";

Deno.test("replay: the newest events that fit the byte budget, and whether older ones were cut", () => {
  const events = Array.from({ length: 10 }, (_, i) => ({ id: i, t: "中" }));
  const one = JSON.stringify(events[0]).length - 1 + 3 + 1;
  assert.deepEqual(fitReplay(events, 1_000_000), {
    events,
    json: events.map((e) => JSON.stringify(e)),
    cut: false,
  });
  const fit = fitReplay(events, one * 3 + 1);
  assert.deepEqual(fit.events.map((e) => e.id), [7, 8, 9]);
  assert.deepEqual(fit.json, fit.events.map((e) => JSON.stringify(e)));
  assert.equal(fit.cut, true);
  assert.deepEqual(fitReplay(events, 0), { events: [], json: [], cut: true });
  assert.deepEqual(fitReplay([], 0), { events: [], json: [], cut: false });
});

const people: PersonView[] = [
  { username: "Ann", kind: "guest", role: "member" },
  { username: 'Bo "b"', kind: "account", role: "owner" },
];
const history: MessageEvent[] = Array.from({ length: 5 }, (_, i) => ({
  type: "message",
  id: String(i + 1),
  room: "r",
  username: "Ann",
  text: `hello ${i} 中`,
  ts: i,
}));
const parts = {
  room: "r/ü",
  username: "Ann",
  members: ["Ann", 'Bo "b"'],
  people,
  history,
  truncated: false,
  maxBytes: 1 << 20,
};

Deno.test("replay: the welcome frame is the whole event serialised", () => {
  const whole = (extra: Record<string, unknown>) =>
    JSON.stringify({
      type: "welcome",
      room: parts.room,
      username: parts.username,
      members: parts.members,
      people,
      history,
      ...extra,
    });
  assert.equal(welcomeFrame(parts), whole({}));
  assert.equal(
    welcomeFrame({ ...parts, truncated: true }),
    whole({ truncated: true }),
  );
  assert.deepEqual(
    JSON.parse(welcomeFrame({ ...parts, history: [] })).history,
    [],
  );
});

Deno.test("replay: a welcome's history gives way to its member lists within the cap", () => {
  const lists = `"members":${JSON.stringify(parts.members)},"people":${
    JSON.stringify(people)
  }`;
  const two = history.slice(-2).reduce(
    (sum, e) => sum + new TextEncoder().encode(JSON.stringify(e)).length + 1,
    0,
  );
  const maxBytes = new TextEncoder().encode(lists).length + WELCOME_SLACK + two;
  const cut = JSON.parse(welcomeFrame({ ...parts, maxBytes }));
  assert.deepEqual(cut.history, history.slice(-2));
  assert.equal(cut.truncated, undefined, "no since: nothing to page back to");
  const since = JSON.parse(welcomeFrame({ ...parts, maxBytes, since: "0" }));
  assert.deepEqual(since.history, history.slice(-2));
  assert.equal(since.truncated, true);
});
