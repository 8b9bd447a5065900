/** Room and username rules (docs/protocol.md, "Names"). */
import { MAX_ROOM_LENGTH, MAX_USERNAME_LENGTH } from "./limits.ts";
import { codePoints } from "./text.ts";

const ROOM_PATTERN = /^(?:[\p{L}\p{Nd}]\p{M}*|[_-])+$/u;
const USERNAME_PATTERN = /^(?:[\p{L}\p{Nd}]\p{M}*|[ _.-])+$/u;
const IGNORABLE = /\p{Default_Ignorable_Code_Point}/u;

/** The outcome of checking a name: its canonical form, or why it was refused. */
export type NameResult =
  | { ok: true; name: string; canonical: string }
  | { ok: false; reason: string };

/** Case-insensitive comparison key: `NFC(lowercase(NFC(name)))`. */
export function canonicalName(name: string): string {
  return name.normalize("NFC").toLowerCase().normalize("NFC");
}

/** Checks a room name; `canonical` is the form used in URLs and storage. */
export function parseRoom(raw: string): NameResult {
  const name = raw.normalize("NFC");
  const length = codePoints(name);
  if (length === 0) return { ok: false, reason: "A room needs a name." };
  if (length > MAX_ROOM_LENGTH) {
    return {
      ok: false,
      reason: `A room name has at most ${MAX_ROOM_LENGTH} characters.`,
    };
  }
  if (!ROOM_PATTERN.test(name) || IGNORABLE.test(name)) {
    return {
      ok: false,
      reason: "Use letters, digits, '_' and '-' only in a room name.",
    };
  }
  const canonical = canonicalName(name);
  if (
    codePoints(canonical) > MAX_ROOM_LENGTH || !ROOM_PATTERN.test(canonical)
  ) {
    return { ok: false, reason: "That room name cannot be used." };
  }
  return { ok: true, name, canonical };
}

/** Checks a username after trimming; `canonical` is its uniqueness key within a room. */
export function parseUsername(raw: string): NameResult {
  const name = raw.trim().normalize("NFC");
  const length = codePoints(name);
  if (length === 0) return { ok: false, reason: "Pick a name first." };
  if (length > MAX_USERNAME_LENGTH) {
    return {
      ok: false,
      reason: `A name has at most ${MAX_USERNAME_LENGTH} characters.`,
    };
  }
  if (!USERNAME_PATTERN.test(name) || IGNORABLE.test(name)) {
    return {
      ok: false,
      reason: "Use letters, digits, spaces, '_', '-' and '.' only in a name.",
    };
  }
  return { ok: true, name, canonical: canonicalName(name) };
}

/** Orders names as `members` lists them: by canonical form, then by code point. */
export function compareNames(a: string, b: string): number {
  return compareKeyed([canonicalName(a), a], [canonicalName(b), b]);
}

function compareKeyed(a: [string, string], b: [string, string]): number {
  if (a[0] !== b[0]) return compareCodePoints(a[0], b[0]);
  return compareCodePoints(a[1], b[1]);
}

/** Compares by Unicode code point (not UTF-16 unit), as the protocol orders members. */
export function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0;
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(i)!;
    if (x !== y) return x < y ? -1 : 1;
    if (x > 0xffff) i++;
  }
  return a.length - b.length;
}

/** Sorts usernames as `members` lists them, normalising each name once. */
export function sortNames(usernames: Iterable<string>): string[] {
  return sortKeyedNames(
    [...usernames].map((name): [string, string] => [canonicalName(name), name]),
  );
}

/** Sorts `[canonical, username]` pairs whose canonical forms are already known; returns the usernames. */
export function sortKeyedNames(entries: [string, string][]): string[] {
  return entries.sort(compareKeyed).map(([, name]) => name);
}
