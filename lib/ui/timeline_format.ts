/** Time and presence wording of the room timeline, shared by the server render and the island. */

import type { TimeOptions } from "./format.ts";

/** Formatters are costly to build and time zones are few: one per kind and zone, kept. */
const FORMATTERS = new Map<string, Intl.DateTimeFormat>();
/** Most formatters kept; a page sees one or two zones, the server one per reader's zone. */
const MAX_FORMATTERS = 256;

function formatter(
  kind: string,
  timeZone: string | undefined,
  make: () => Intl.DateTimeFormat,
): Intl.DateTimeFormat {
  const key = `${kind} ${timeZone ?? ""}`;
  let found = FORMATTERS.get(key);
  if (!found) {
    if (FORMATTERS.size >= MAX_FORMATTERS) FORMATTERS.clear();
    FORMATTERS.set(key, found = make());
  }
  return found;
}

/** "14:05" */
export function formatClock(ts: number, options: TimeOptions = {}): string {
  return formatter(
    "clock",
    options.timeZone,
    () =>
      new Intl.DateTimeFormat("en-GB", {
        hour: "2-digit",
        minute: "2-digit",
        hourCycle: "h23",
        timeZone: options.timeZone,
      }),
  ).format(ts);
}

function dayParts(ts: number, timeZone?: string): string {
  return formatter("day", timeZone, () =>
    new Intl.DateTimeFormat("en-CA", {
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      timeZone,
    })).format(ts);
}

/** "2024-11-23": the calendar day of `ts` in the zone, for grouping. */
export function dayKey(ts: number, options: TimeOptions = {}): string {
  return dayParts(ts, options.timeZone);
}

/** "Today", "Yesterday", "Monday, 18 November", or "23 November 2023" in another year. */
export function formatDay(
  ts: number,
  options: TimeOptions & { now: number },
): string {
  const day = dayKey(ts, options);
  if (day === dayKey(options.now, options)) return "Today";
  if (day === dayKey(options.now - 86_400_000, options)) return "Yesterday";
  const sameYear = day.slice(0, 4) === dayKey(options.now, options).slice(0, 4);
  return new Intl.DateTimeFormat(
    "en-GB",
    sameYear
      ? {
        weekday: "long",
        day: "numeric",
        month: "long",
        timeZone: options.timeZone,
      }
      : {
        day: "numeric",
        month: "long",
        year: "numeric",
        timeZone: options.timeZone,
      },
  ).format(ts);
}

/** "bob is typing…", "bob and eve are typing…", "4 people are typing…"; empty when nobody. */
export function typingText(names: readonly string[]): string {
  if (names.length === 0) return "";
  if (names.length === 1) return `${names[0]} is typing…`;
  if (names.length === 2) return `${names[0]} and ${names[1]} are typing…`;
  if (names.length === 3) {
    return `${names[0]}, ${names[1]} and ${names[2]} are typing…`;
  }
  return `${names.length} people are typing…`;
}
