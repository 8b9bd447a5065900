import { deepStrictEqual as assertEquals } from "node:assert/strict";
import type { MessageEvent } from "../protocol/events.ts";
import type { Notice, OutgoingMessage } from "../client/chat_state.ts";
import { buildRows, GROUP_GAP_MS, type Row } from "./timeline_layout.ts";

const NOW = Date.UTC(2026, 2, 14, 12);
const YESTERDAY = NOW - 86_400_000;
const T0 = NOW - 3_600_000;

function message(id: string, username: string, ts: number): MessageEvent {
  return { type: "message", id, room: "lobby", username, text: id, ts };
}

function notice(key: string, afterId: string | null, ts: number): Notice {
  return { key, kind: "joined", username: "dora", ts, afterId };
}

/** A row in a few letters: the day's label, "new", notices by key, or key(own)(first/last). */
function describe(rows: Row[]): string[] {
  return rows.map((row) => {
    switch (row.kind) {
      case "day":
        return `day ${row.label}`;
      case "unread":
        return "new";
      case "notices":
        return `notices ${row.notices.map((n) => n.key).join("+")}`;
      default:
        return `${row.key}${row.own ? " own" : ""}${row.first ? " first" : ""}${
          row.last ? " last" : ""
        }`;
    }
  });
}

Deno.test("timeline layout: days, groups by sender within the gap, our own, the unread line", () => {
  const rows = buildRows({
    messages: [
      message("1", "bob", YESTERDAY),
      message("2", "bob", T0),
      message("3", "Bob", T0 + 1_000),
      message("4", "bob", T0 + 1_000 + GROUP_GAP_MS),
      message("5", "bob", T0 + 2_000 + GROUP_GAP_MS),
      message("6", "alice", NOW),
      message("7", "alice", NOW + 1),
    ],
    self: "ALICE",
    timeZone: "UTC",
    now: NOW,
    unreadFrom: "5",
  });
  assertEquals(describe(rows), [
    "day Yesterday",
    "1 first last",
    "day Today",
    "2 first",
    "3 last",
    "4 first last",
    "new",
    "5 first last",
    "6 own first",
    "7 own last",
  ]);
});

Deno.test("timeline layout: notices after their message, run together; unsent messages last, as ours", () => {
  const outbox: OutgoingMessage[] = [
    { nonce: "a", text: "hi", status: "sending", createdAt: NOW + 2 },
    { nonce: "b", text: "again", status: "failed", createdAt: NOW + 3 },
  ];
  const rows = buildRows({
    messages: [message("1", "alice", NOW), message("2", "bob", NOW + 1)],
    notices: [
      notice("n0", null, NOW - 5),
      notice("n1", "1", NOW),
      notice("n2", "1", NOW),
      notice("n3", "gone", NOW + 1),
    ],
    outbox,
    self: "alice",
    timeZone: "UTC",
    now: NOW,
  });
  assertEquals(describe(rows), [
    "day Today",
    "notices n0",
    "1 own first last",
    "notices n1+n2",
    "2 first last",
    "notices n3",
    "out-a own first",
    "out-b own last",
  ]);
});
