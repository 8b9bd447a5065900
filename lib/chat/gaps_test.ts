import assert from "node:assert/strict";
import { crossGaps, follows, MAX_LISTED_GAP_IDS } from "./gaps.ts";
import { formatId } from "./ids.ts";
import { message } from "./room_test_peers.ts";

const ids = (events: { id: string }[]) => events.map((e) => e.id);

Deno.test("gaps: follows counts sequence numbers; other ids always follow", () => {
  assert.equal(follows("", formatId(1)), true);
  assert.equal(follows(formatId(1), formatId(2)), true);
  assert.equal(follows(formatId(1), formatId(3)), false);
  assert.equal(follows("x", formatId(3)), true);
});

Deno.test("gaps: only gaps before events pending at the read are crossed", () => {
  const pending = [5, 3, 9, 4].map(message);
  const seen = new Set([formatId(3), formatId(4), formatId(5)]);
  const { events, gaps } = crossGaps(formatId(1), {
    pending,
    seenBeforeRead: seen,
  });
  assert.deepEqual(ids(events), [3, 4, 5].map(formatId));
  assert.deepEqual(gaps, [{
    after: formatId(1),
    next: formatId(3),
    count: 1,
    ids: [formatId(2)],
  }]);
});

Deno.test("gaps: an event that came during the read stops the walk at its gap", () => {
  const { events, gaps } = crossGaps(formatId(1), {
    pending: [message(3), message(7)],
    seenBeforeRead: new Set([formatId(7)]),
  });
  assert.deepEqual(events, []);
  assert.deepEqual(gaps, []);
  const next = crossGaps(formatId(2), {
    pending: [message(3), message(4)],
    seenBeforeRead: new Set(),
  });
  assert.deepEqual(
    ids(next.events),
    [3, 4].map(formatId),
    "no gap, no read needed",
  );
});

Deno.test("gaps: events at or before the head are passed over", () => {
  const { events } = crossGaps(formatId(4), {
    pending: [message(2), message(4), message(5)],
    seenBeforeRead: new Set(),
  });
  assert.deepEqual(ids(events), [formatId(5)]);
});

Deno.test("gaps: a long gap lists its first MAX_LISTED_GAP_IDS ids and counts all", () => {
  const { gaps } = crossGaps("", {
    pending: [message(5000)],
    seenBeforeRead: new Set([formatId(5000)]),
  });
  assert.equal(gaps[0].count, 4999);
  assert.equal(gaps[0].ids.length, MAX_LISTED_GAP_IDS);
  assert.equal(gaps[0].ids[0], formatId(1));
});
