/**
 * The welcome and how much history it may carry: its bytes count against the
 * socket's unsent-bytes cap. Every part is serialised once.
 */
import type { LogEvent, PersonView } from "../protocol/events.ts";
import { utf8Length } from "./frames.ts";

/** Bytes of a welcome's cap kept for everything but its history and member lists. */
export const WELCOME_SLACK = 512;

/**
 * The newest events of `history` (oldest first) whose JSON fits in
 * `maxBytes` of UTF-8, serialised; `cut` is true when older ones were left out.
 */
export function fitReplay<T>(
  history: readonly T[],
  maxBytes: number,
): { events: T[]; json: string[]; cut: boolean } {
  let bytes = 0;
  let first = history.length;
  const json: string[] = [];
  while (first > 0) {
    const event = JSON.stringify(history[first - 1]);
    const size = utf8Length(event) + 1;
    if (bytes + size > maxBytes) break;
    bytes += size;
    json.push(event);
    first--;
  }
  return {
    events: history.slice(first),
    json: json.reverse(),
    cut: first > 0,
  };
}

/** What a welcome says. */
export interface WelcomeParts {
  room: string;
  username: string;
  members: string[];
  people: PersonView[];
  /** Oldest first; the newest that fit `maxBytes` (less the member lists) are sent. */
  history: readonly LogEvent[];
  /** The store had more than it returned. */
  truncated: boolean;
  /** The join's `since`: with it, history left out for the budget says `truncated` too. */
  since?: string;
  /** The socket's unsent-bytes cap. */
  maxBytes: number;
}

/** The `welcome` frame (docs/protocol.md), the same as serialising the whole event. */
export function welcomeFrame(parts: WelcomeParts): string {
  const lists = `"members":${JSON.stringify(parts.members)},"people":${
    JSON.stringify(parts.people)
  }`;
  // With no history to fit, the lists need not be measured.
  const budget = parts.history.length === 0 ? 0 : Math.max(
    0,
    parts.maxBytes - utf8Length(lists) - WELCOME_SLACK,
  );
  const fit = fitReplay(parts.history, budget);
  const truncated = parts.truncated || (fit.cut && parts.since !== undefined);
  return `{"type":"welcome","room":${JSON.stringify(parts.room)},"username":${
    JSON.stringify(parts.username)
  },${lists},"history":[${fit.json.join(",")}]${
    truncated ? ',"truncated":true' : ""
  }}`;
}
