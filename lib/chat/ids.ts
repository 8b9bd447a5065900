/** Message ids: a room's sequence number, fixed-width so that ids sort as plain strings. */

const WIDTH = 16;

/** Formats the room's `seq`-th message id (seq ≥ 1). */
export function formatId(seq: number): string {
  return String(seq).padStart(WIDTH, "0");
}

/** The sequence number of an id this server made, or undefined for any other string. */
export function parseId(id: string): number | undefined {
  if (id.length !== WIDTH || !/^\d+$/.test(id)) return undefined;
  const seq = Number(id);
  return Number.isSafeInteger(seq) ? seq : undefined;
}

/** Orders ids as the protocol does: as plain strings (by UTF-16 code unit). */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The largest sequence whose id sorts at or before `id` (strictly before
 * with `strict`), or -1 when there is none: how an arbitrary string maps
 * onto positions in a room.
 */
export function seqNotAfter(
  id: string,
  options: { strict?: boolean } = {},
): number {
  let low = -1;
  let high = Number.MAX_SAFE_INTEGER;
  while (low < high) {
    const mid = low + Math.ceil((high - low) / 2);
    const candidate = formatId(mid);
    if (candidate < id || (!options.strict && candidate === id)) low = mid;
    else high = mid - 1;
  }
  return low;
}
