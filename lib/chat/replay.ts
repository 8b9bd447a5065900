/** How much history one welcome may carry: its bytes count against the socket's unsent-bytes cap. */
import { utf8Length } from "./frames.ts";

/**
 * The newest events of `history` (oldest first) whose JSON fits in
 * `maxBytes` of UTF-8; `cut` is true when older ones were left out.
 */
export function fitReplay<T>(
  history: readonly T[],
  maxBytes: number,
): { events: T[]; cut: boolean } {
  let bytes = 0;
  let first = history.length;
  while (first > 0) {
    const size = utf8Length(JSON.stringify(history[first - 1])) + 1;
    if (bytes + size > maxBytes) break;
    bytes += size;
    first--;
  }
  return { events: history.slice(first), cut: first > 0 };
}
