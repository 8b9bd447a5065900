/** Measuring text as the protocol counts it. */

/** Length of `text` in Unicode code points (what the protocol's lengths count). */
export function codePoints(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}
