import { deepStrictEqual as assertEquals } from "node:assert/strict";
import type { ServerEvent } from "../protocol/events.ts";
import { presenceChanges, readFrame } from "./server_events.ts";

const typing: ServerEvent = { type: "typing", username: "bob" };

Deno.test("readFrame: one event, a batch's events, nothing for what is not an event", () => {
  assertEquals(readFrame(JSON.stringify(typing)), [typing]);
  assertEquals(
    readFrame(JSON.stringify({
      type: "batch",
      events: [typing, null, 7, { type: "batch", events: [typing] }, typing],
    })),
    [typing, typing],
    "a batch inside a batch and non-events are dropped",
  );
  for (const text of ["{", "null", "[1]", '"typing"', '{"a":1}']) {
    assertEquals(readFrame(text), [], text);
  }
  assertEquals(readFrame('{"type":"batch","events":{}}'), []);
});

Deno.test("presenceChanges: joins first, then leaves, each with the event's time; nothing but names", () => {
  assertEquals(
    presenceChanges({
      type: "presence",
      joined: ["bob"],
      left: ["carol", "dave"],
      count: 2,
      ts: 9,
    }).map((c) => [c.type, c.username, c.ts]),
    [
      ["joined", "bob", 9],
      ["left", "carol", 9],
      ["left", "dave", 9],
    ],
  );
  assertEquals(
    presenceChanges(
      { type: "presence", joined: [], left: [], count: 1, ts: 1 },
    ),
    [],
  );
  assertEquals(
    presenceChanges(
      JSON.parse('{"type":"presence","joined":[7,"eve"],"left":{},"ts":1}'),
    ).map((c) => c.username),
    ["eve"],
    "what is not a name is dropped",
  );
});
