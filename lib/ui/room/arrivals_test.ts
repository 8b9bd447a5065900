import { deepStrictEqual as assertEquals } from "node:assert/strict";
import type { MessageEvent } from "../../protocol/events.ts";
import {
  ANNOUNCE_CHARS,
  announcementFor,
  arrivals,
  firstUnread,
  unreadTitle,
} from "./arrivals.ts";

function message(id: string, username: string, extra = {}): MessageEvent {
  return {
    type: "message",
    id,
    room: "lobby",
    username,
    text: `hi ${id}`,
    ts: 1,
    ...extra,
  };
}

Deno.test("arrivals: only ids after the last seen are new; ours (any case) and deleted ones are not from others", () => {
  const messages = [
    message("1", "bob"),
    message("2", "Alice"),
    message("3", "bob", { deleted: true }),
    message("4", "carol"),
  ];
  const { fresh, others } = arrivals(messages, { after: "1", self: "alice" });
  assertEquals(fresh.map((m) => m.id), ["2", "3", "4"]);
  assertEquals(others.map((m) => m.id), ["4"]);
  assertEquals(arrivals(messages, { after: "4", self: null }).fresh, []);
  assertEquals(
    arrivals(messages, { after: "", self: null }).others.map((m) => m.id),
    ["1", "2", "4"],
  );
});

Deno.test("arrivals: the announcement names the sender and cuts a long text", () => {
  assertEquals(announcementFor([message("1", "bob")]), "bob: hi 1");
  const long = message("2", "carol", { text: "x".repeat(ANNOUNCE_CHARS + 5) });
  assertEquals(
    announcementFor([message("1", "bob"), long]),
    `2 new messages, latest from carol: ${"x".repeat(ANNOUNCE_CHARS)}…`,
  );
});

Deno.test("arrivals: the title counts unread messages; the first unread is someone else's", () => {
  assertEquals(unreadTitle("#lobby", 0), "#lobby");
  assertEquals(unreadTitle("#lobby", 3), "(3) #lobby");
  const history = [
    message("1", "bob"),
    message("2", "alice"),
    message("3", "bob"),
  ];
  assertEquals(firstUnread(history, { lastRead: "1", self: "ALICE" }), "3");
  assertEquals(firstUnread(history, { lastRead: "1", self: null }), "2");
  assertEquals(firstUnread(history, { lastRead: "3", self: null }), null);
});
