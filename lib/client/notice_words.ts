/** Moderation notices in plain words, for the timeline and screen readers. */
import type { NoticeEvent } from "../protocol/events.ts";

/** "2 hours", "1 minute", "30 seconds", "3 days". */
export function spokenDuration(seconds: number): string {
  const units: [number, string][] = [
    [86_400, "day"],
    [3_600, "hour"],
    [60, "minute"],
    [1, "second"],
  ];
  for (const [size, name] of units) {
    if (seconds >= size && seconds % size === 0) {
      const count = seconds / size;
      return `${count} ${name}${count === 1 ? "" : "s"}`;
    }
  }
  const minutes = Math.max(1, Math.round(seconds / 60));
  return `${minutes} minute${minutes === 1 ? "" : "s"}`;
}

const VERBS: Record<NoticeEvent["action"], string> = {
  kick: "was removed",
  ban: "was banned",
  unban: "was unbanned",
  mute: "was muted",
  unmute: "was unmuted",
};

/** "troll was banned by mo for 1 hour: spam". */
export function noticeWords(notice: NoticeEvent): string {
  let words = `${notice.username} ${VERBS[notice.action] ?? notice.action}`;
  words += ` by ${notice.by}`;
  if (notice.until !== undefined) {
    const left = Math.round((notice.until - notice.ts) / 1000);
    if (left > 0) words += ` for ${spokenDuration(left)}`;
  }
  if (notice.reason) words += `: ${notice.reason}`;
  return words;
}
