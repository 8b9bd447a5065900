import assert from "node:assert/strict";
import { noticeWords, spokenDuration } from "./notice_words.ts";

Deno.test("durations are spoken in their largest whole unit", () => {
  assert.equal(spokenDuration(60), "1 minute");
  assert.equal(spokenDuration(3600), "1 hour");
  assert.equal(spokenDuration(7200), "2 hours");
  assert.equal(spokenDuration(86_400 * 7), "7 days");
  assert.equal(spokenDuration(45), "45 seconds");
  assert.equal(spokenDuration(90), "90 seconds");
});

Deno.test("moderation notices read as sentences", () => {
  const base = {
    type: "notice" as const,
    username: "troll",
    by: "mo",
    ts: 1000,
  };
  assert.equal(
    noticeWords({
      ...base,
      action: "ban",
      until: 1000 + 3_600_000,
      reason: "spam",
    }),
    "troll was banned by mo for 1 hour: spam",
  );
  assert.equal(
    noticeWords({ ...base, action: "ban" }),
    "troll was banned by mo",
  );
  assert.equal(
    noticeWords({ ...base, action: "kick" }),
    "troll was removed by mo",
  );
  assert.equal(
    noticeWords({ ...base, action: "unmute" }),
    "troll was unmuted by mo",
  );
});
