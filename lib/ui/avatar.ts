import { canonicalName } from "../protocol/names.ts";

/** Avatar colours: slots 0–7, told apart by `.avatar-N` in static/styles.css. */
export const AVATAR_COLORS = 8;

/** A stable colour slot (0–7) for a name's avatar. */
export function colorSlot(name: string): number {
  let hash = 0;
  for (const char of canonicalName(name)) {
    hash = (hash * 31 + char.codePointAt(0)!) >>> 0;
  }
  return hash % AVATAR_COLORS;
}

/** The first letter of a name, upper-cased, for its avatar. */
export function initial(name: string): string {
  return ([...name.trim()][0] ?? "?").toUpperCase();
}
