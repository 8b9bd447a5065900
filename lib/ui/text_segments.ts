/**
 * Message text split into segments, as pure functions: http(s) URLs as safe
 * links, `@name` mentions (ours marked), and direction controls on their own.
 */

import { canonicalName } from "../protocol/names.ts";

/** One piece of a message. */
export type Segment =
  | { kind: "text"; text: string }
  | { kind: "link"; text: string; href: string }
  | { kind: "mention"; text: string; self: boolean }
  | { kind: "control"; text: string };

const TOKEN = /https?:\/\/|@/gi;
const URL_BODY = /[^\s\p{Cc}<>"\u202a-\u202e\u2066-\u2069]+/uy;
/** Embeddings, overrides and isolates: shown as their code, so they cannot reorder what others read. */
const BIDI_CONTROL = /[\u202a-\u202e\u2066-\u2069]/g;
const NAME_BODY = /[\p{L}\p{M}\p{Nd}_.\-]+/uy;
const WORD_CHAR = /[\p{L}\p{M}\p{Nd}_]/u;
const NAME_CHAR = /[\p{L}\p{M}\p{Nd}_. \-]/u;
const TRAILING = new Set(".,;:!?'\"*");
const OPENER: Record<string, string> = { ")": "(", "]": "[", "}": "{" };
const CLOSER: Record<string, string> = { "(": ")", "[": "]", "{": "}" };
/** A mention of the reader may be spelled this many UTF-16 units longer than their canonical name. */
const MENTION_SLACK = 8;

/** Drops trailing punctuation and unmatched closing brackets, in one pass each way. */
function trimUrl(raw: string): string {
  const surplus: Record<string, number> = { ")": 0, "]": 0, "}": 0 };
  for (const char of raw) {
    if (char in OPENER) surplus[char]++;
    else if (char in CLOSER) surplus[CLOSER[char]]--;
  }
  let end = raw.length;
  while (end > 0) {
    const char = raw[end - 1];
    if (TRAILING.has(char)) {
      end--;
    } else if (char in OPENER && surplus[char] > 0) {
      surplus[char]--;
      end--;
    } else {
      break;
    }
  }
  return raw.slice(0, end);
}

function trimNameEnd(body: string): string {
  let end = body.length;
  while (end > 0 && (body[end - 1] === "." || body[end - 1] === "-")) end--;
  return body.slice(0, end);
}

function charBefore(text: string, index: number): string {
  if (index === 0) return "";
  const low = text.charCodeAt(index - 1);
  const pair = low >= 0xdc00 && low <= 0xdfff && index >= 2;
  return text.slice(pair ? index - 2 : index - 1, index);
}

function charAt(text: string, index: number): string {
  const code = text.codePointAt(index);
  return code === undefined ? "" : String.fromCodePoint(code);
}

function asciiClass(pattern: RegExp): boolean[] {
  return Array.from(
    { length: 128 },
    (_, code) => pattern.test(String.fromCharCode(code)),
  );
}

const ASCII_WORD = asciiClass(WORD_CHAR);
const ASCII_NAME = asciiClass(NAME_CHAR);

function wordCharBefore(text: string, index: number): boolean {
  const code = index > 0 ? text.charCodeAt(index - 1) : 0;
  return code < 128 ? ASCII_WORD[code] : isWordChar(charBefore(text, index));
}

function isNameCharAt(text: string, index: number): boolean {
  const code = text.charCodeAt(index);
  if (code < 128) return ASCII_NAME[code];
  return !Number.isNaN(code) && NAME_CHAR.test(charAt(text, index));
}

function isWordChar(char: string): boolean {
  return char !== "" && WORD_CHAR.test(char);
}

function safeHref(text: string): string | null {
  try {
    const url = new URL(text);
    if (url.protocol !== "http:" && url.protocol !== "https:") return null;
    return url.href;
  } catch {
    return null;
  }
}

/**
 * Length (UTF-16 units) of the mention of `self` (a canonical name) that
 * starts at `at`, or 0. It reads only the name-shaped run after `at`, which
 * ends at the next `@`, so the runs of all mentions in a text never overlap.
 * A mention ends before a space, `.`, `-` or a non-name character, and
 * canonical forms concatenate there, so summing the pieces' canonical lengths
 * finds the one place the mention can end; one comparison confirms it.
 */
function selfMention(text: string, at: number, self: string): number {
  if (!isNameCharAt(text, at)) return 0;
  const limit = Math.min(text.length, at + self.length + MENTION_SLACK);
  let runEnd = at;
  while (runEnd < limit) {
    const char = charAt(text, runEnd);
    if (runEnd + char.length > limit || !NAME_CHAR.test(char)) break;
    runEnd += char.length;
  }
  const ends: number[] = [];
  for (let i = at + 1; i < runEnd; i++) {
    const char = text[i];
    if (char === " " || char === "." || char === "-") ends.push(i);
  }
  if (!isWordChar(charAt(text, runEnd))) ends.push(runEnd);
  let from = at;
  let length = 0;
  for (const end of ends) {
    length += canonicalName(text.slice(from, end)).length;
    from = end;
    if (length < self.length) continue;
    if (length > self.length) return 0;
    return canonicalName(text.slice(at, end)) === self ? end - at : 0;
  }
  return 0;
}

function pushPlain(segments: Segment[], text: string): void {
  let from = 0;
  for (const match of text.matchAll(BIDI_CONTROL)) {
    if (match.index > from) {
      segments.push({ kind: "text", text: text.slice(from, match.index) });
    }
    segments.push({ kind: "control", text: match[0] });
    from = match.index + 1;
  }
  if (from < text.length) {
    segments.push({ kind: "text", text: text.slice(from) });
  }
}

/**
 * Splits `text` into plain text, links and mentions; `self` (a username) marks
 * mentions of the reader. The work is linear in the length of `text`: every
 * character is read by at most one URL scan and one name scan.
 */
export function tokenize(text: string, self?: string | null): Segment[] {
  const segments: Segment[] = [];
  const me = self ? canonicalName(self) : null;
  let plainFrom = 0;
  let failedUrlUntil = 0;
  const pushText = (end: number) => {
    if (end > plainFrom) pushPlain(segments, text.slice(plainFrom, end));
  };
  const token = new RegExp(TOKEN);
  for (let match = token.exec(text); match; match = token.exec(text)) {
    const start = match.index;
    if (wordCharBefore(text, start)) continue;
    if (match[0] === "@") {
      const at = start + 1;
      let length = me ? selfMention(text, at, me) : 0;
      const isSelf = length > 0;
      if (!isSelf) {
        NAME_BODY.lastIndex = at;
        length = trimNameEnd(NAME_BODY.exec(text)?.[0] ?? "").length;
      }
      if (length === 0) continue;
      pushText(start);
      segments.push({
        kind: "mention",
        text: text.slice(start, at + length),
        self: isSelf,
      });
      plainFrom = at + length;
      token.lastIndex = plainFrom;
      continue;
    }
    if (start < failedUrlUntil) continue;
    URL_BODY.lastIndex = start;
    const raw = URL_BODY.exec(text)?.[0] ?? "";
    const candidate = trimUrl(raw);
    const href = candidate.length > match[0].length
      ? safeHref(candidate)
      : null;
    if (href === null) {
      failedUrlUntil = start + raw.length;
      continue;
    }
    pushText(start);
    segments.push({ kind: "link", text: candidate, href });
    plainFrom = start + candidate.length;
    token.lastIndex = plainFrom;
  }
  pushText(text.length);
  return segments;
}

/** True when `text` mentions `self`. */
export function mentionsSelf(text: string, self: string | null): boolean {
  if (!self || !text.includes("@")) return false;
  return tokenize(text, self).some((s) => s.kind === "mention" && s.self);
}
