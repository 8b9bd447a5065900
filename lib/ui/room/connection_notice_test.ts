import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { connectionNotice, type ConnectionView } from "./connection_notice.ts";

const lost: ConnectionView = {
  mounted: true,
  online: true,
  everOnline: true,
  status: "reconnecting",
  retryAt: 10_000,
  now: 7_500,
};

Deno.test("connection notice: a countdown while waiting, then reconnecting; offline wins; nothing before the first connection", () => {
  assertEquals(connectionNotice(lost), {
    text: "Connection lost. Retrying in 3 s…",
    retry: true,
  });
  assertEquals(
    connectionNotice({ ...lost, status: "connecting", retryAt: null })?.text,
    "Connection lost. Reconnecting…",
  );
  assertEquals(
    connectionNotice({ ...lost, now: 10_001 })?.text,
    "Connection lost. Reconnecting…",
  );
  assertEquals(connectionNotice({ ...lost, online: false }), {
    text: "You are offline.",
    retry: false,
  });
  assertEquals(connectionNotice({ ...lost, everOnline: false }), null);
  assertEquals(connectionNotice({ ...lost, status: "online" }), null);
  assertEquals(connectionNotice({ ...lost, status: "closed" }), null);
  assertEquals(
    connectionNotice({ ...lost, mounted: false, online: false }),
    null,
  );
});
