/**
 * Keeping the message log's place: the log is a `column-reverse` scroller
 * (scrollTop 0 is the newest end), and when rows are added above or below,
 * the first visible row stays where the reader saw it.
 */

/** The first visible row (`data-key`) and its distance from the log's top edge. */
export interface Anchor {
  key: string;
  offset: number;
}

/** Pixels between the view and the newest end of the log. */
export function fromBottom(el: HTMLElement): number {
  return Math.max(0, -el.scrollTop);
}

/** Pixels between the view and the oldest loaded row. */
export function fromTop(el: HTMLElement): number {
  return el.scrollHeight - el.clientHeight - fromBottom(el);
}

/** The first row whose bottom is below the log's top edge (binary search), or null. */
export function captureAnchor(el: HTMLElement): Anchor | null {
  const items = el.querySelectorAll<HTMLElement>("[data-key]");
  const top = el.getBoundingClientRect().top;
  let low = 0;
  let high = items.length - 1;
  let found: HTMLElement | null = null;
  while (low <= high) {
    const mid = (low + high) >> 1;
    if (items[mid].getBoundingClientRect().bottom > top) {
      found = items[mid];
      high = mid - 1;
    } else {
      low = mid + 1;
    }
  }
  if (!found) return null;
  return {
    key: found.dataset.key!,
    offset: found.getBoundingClientRect().top - top,
  };
}

/** Scrolls so the anchor's row is where it was (when it is still there). */
export function restoreAnchor(el: HTMLElement, anchor: Anchor | null): void {
  if (!anchor) return;
  const item = el.querySelector(`[data-key="${CSS.escape(anchor.key)}"]`);
  if (!item) return;
  const delta = item.getBoundingClientRect().top -
    el.getBoundingClientRect().top - anchor.offset;
  if (Math.abs(delta) >= 1) el.scrollTop += delta;
}
