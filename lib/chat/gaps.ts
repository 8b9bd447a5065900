/**
 * When a room may hand out messages across a gap in its ids: only past ids a
 * read of the store, made after the later message arrived, did not find.
 */
import type { LogEvent } from "../protocol/events.ts";
import { compareIds, formatId, parseId } from "./ids.ts";

/** Most skipped ids a {@linkcode CrossedGap} lists (a trimmed gap can be thousands long). */
export const MAX_LISTED_GAP_IDS = 20;

/** A gap in a room's ids that was handed out across. */
export interface CrossedGap {
  /** The last id handed out before the gap ("" for none). */
  after: string;
  /** The first id handed out after it. */
  next: string;
  /** How many ids were skipped; undefined when the ids are not sequence numbers. */
  count?: number;
  /** The first skipped ids, at most {@linkcode MAX_LISTED_GAP_IDS}. */
  ids: string[];
}

/** Whether `id` is the one right after `previous` (ids that are not sequence numbers always are). */
export function follows(previous: string, id: string): boolean {
  const a = previous === "" ? 0 : parseId(previous);
  const b = parseId(id);
  return a === undefined || b === undefined || b === a + 1;
}

function gapBetween(after: string, next: string): CrossedGap {
  const from = after === "" ? 0 : parseId(after);
  const to = parseId(next);
  if (from === undefined || to === undefined) return { after, next, ids: [] };
  const count = to - from - 1;
  const ids = Array.from(
    { length: Math.min(count, MAX_LISTED_GAP_IDS) },
    (_, i) => formatId(from + 1 + i),
  );
  return { after, next, count, ids };
}

/**
 * After a read of the store found nothing past `head`: the pending events
 * that may go out now, in order, and the gaps they cross. A gap is crossed
 * only before an event that was already pending when the read was made
 * (`seenBeforeRead`): the store then had that event, so it would have had
 * the ids before it too, unless they are gone (trimmed, or lost with a
 * failed-over primary). An event that arrived while the read ran may have
 * been stored after it, with the missing ones: the walk stops there and the
 * store must be read again.
 */
export function crossGaps(
  head: string,
  options: { pending: Iterable<LogEvent>; seenBeforeRead: ReadonlySet<string> },
): { events: LogEvent[]; gaps: CrossedGap[] } {
  const events: LogEvent[] = [];
  const gaps: CrossedGap[] = [];
  const sorted = [...options.pending].sort((a, b) => compareIds(a.id, b.id));
  for (const event of sorted) {
    if (event.id <= head) continue;
    if (!follows(head, event.id)) {
      if (!options.seenBeforeRead.has(event.id)) break;
      gaps.push(gapBetween(head, event.id));
    }
    events.push(event);
    head = event.id;
  }
  return { events, gaps };
}
