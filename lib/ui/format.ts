/** Time formatting shared by the server render and the islands, so both print the same text. */

/** Options of the formatting functions. */
export interface TimeOptions {
  /** IANA zone; the server renders in UTC, the browser in its own zone once running. */
  timeZone?: string;
}

/** "Sat, 23 Nov 2024, 14:05 UTC" for tooltips. */
export function formatFull(ts: number, options: TimeOptions = {}): string {
  return new Intl.DateTimeFormat("en-GB", {
    dateStyle: "full",
    timeStyle: "short",
    timeZone: options.timeZone,
  }).format(ts) + (options.timeZone === "UTC" ? " UTC" : "");
}

/** "just now", "5 min ago", "3 h ago", "2 days ago". */
export function formatAgo(ts: number, now: number): string {
  const seconds = Math.max(0, Math.round((now - ts) / 1000));
  if (seconds < 60) return "just now";
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h ago`;
  const days = Math.floor(hours / 24);
  return days === 1 ? "yesterday" : `${days} days ago`;
}

/** True when `timeZone` is an IANA zone this runtime knows. */
export function isTimeZone(timeZone: string): boolean {
  if (timeZone.length > 64 || !/^[A-Za-z0-9_+\-/]+$/.test(timeZone)) {
    return false;
  }
  try {
    new Intl.DateTimeFormat("en", { timeZone });
    return true;
  } catch {
    return false;
  }
}
