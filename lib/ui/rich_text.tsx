/**
 * Message text as Preact nodes: http(s) URLs become safe links and `@name`
 * mentions are marked. Nothing is ever parsed as HTML.
 */

import type { ComponentChildren } from "preact";
import { canonicalName } from "../chat/names.ts";

/** One piece of a message. */
export type Segment =
  | { kind: "text"; text: string }
  | { kind: "link"; text: string; href: string }
  | { kind: "mention"; text: string; self: boolean };

const TOKEN = /https?:\/\/|@/gi;
const URL_BODY = /[^\s\p{Cc}<>"]+/uy;
const NAME_BODY = /[\p{L}\p{M}\p{Nd}_.\-]+/uy;
const WORD_CHAR = /[\p{L}\p{M}\p{Nd}_]/u;
const TRAILING = /[.,;:!?'"*]+$/;

function trimUrl(raw: string): string {
  let url = raw.replace(TRAILING, "");
  for (const [open, close] of [["(", ")"], ["[", "]"], ["{", "}"]]) {
    while (
      url.endsWith(close) &&
      url.split(close).length > url.split(open).length
    ) {
      url = url.slice(0, -1).replace(TRAILING, "");
    }
  }
  return url;
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

function selfMention(text: string, at: number, self: string): number {
  const candidate = text.slice(at, at + self.length + 8);
  for (let end = candidate.length; end > 0; end--) {
    if (canonicalName(candidate.slice(0, end)) !== self) continue;
    const next = text.slice(at + end, at + end + 2);
    if (next === "" || !WORD_CHAR.test([...next][0])) return end;
  }
  return 0;
}

/** Splits `text` into plain text, links and mentions; `self` (a username) marks mentions of the reader. */
export function tokenize(text: string, self?: string | null): Segment[] {
  const segments: Segment[] = [];
  const me = self ? canonicalName(self) : null;
  let plainFrom = 0;
  const pushText = (end: number) => {
    if (end > plainFrom) {
      segments.push({ kind: "text", text: text.slice(plainFrom, end) });
    }
  };
  TOKEN.lastIndex = 0;
  for (let match = TOKEN.exec(text); match; match = TOKEN.exec(text)) {
    const start = match.index;
    const before = start > 0
      ? [...text.slice(Math.max(0, start - 2), start)].at(-1)!
      : "";
    if (match[0] === "@") {
      if (before !== "" && WORD_CHAR.test(before)) continue;
      const at = start + 1;
      let length = me ? selfMention(text, at, me) : 0;
      const isSelf = length > 0;
      if (!isSelf) {
        NAME_BODY.lastIndex = at;
        const body = NAME_BODY.exec(text)?.[0].replace(/[.\-]+$/, "") ?? "";
        length = body.length;
      }
      if (length === 0) continue;
      pushText(start);
      segments.push({
        kind: "mention",
        text: text.slice(start, at + length),
        self: isSelf,
      });
      plainFrom = at + length;
      TOKEN.lastIndex = plainFrom;
      continue;
    }
    if (before !== "" && WORD_CHAR.test(before)) continue;
    URL_BODY.lastIndex = start;
    const raw = URL_BODY.exec(text)?.[0] ?? "";
    const candidate = trimUrl(raw);
    const href = candidate.length > match[0].length
      ? safeHref(candidate)
      : null;
    if (href === null) continue;
    pushText(start);
    segments.push({ kind: "link", text: candidate, href });
    plainFrom = start + candidate.length;
    TOKEN.lastIndex = plainFrom;
  }
  pushText(text.length);
  return segments;
}

/** True when `text` mentions `self`. */
export function mentionsSelf(text: string, self: string | null): boolean {
  if (!self || !text.includes("@")) return false;
  return tokenize(text, self).some((s) => s.kind === "mention" && s.self);
}

/** Message text with links and mentions, as Preact nodes. */
export function RichText(props: { text: string; self?: string | null }) {
  const nodes: ComponentChildren[] = tokenize(props.text, props.self).map(
    (segment, i) => {
      switch (segment.kind) {
        case "text":
          return segment.text;
        case "link":
          return (
            <a
              key={i}
              href={segment.href}
              target="_blank"
              rel="noopener noreferrer"
            >
              {segment.text}
            </a>
          );
        case "mention":
          return (
            <span
              key={i}
              class={segment.self ? "mention mention-self" : "mention"}
            >
              {segment.text}
            </span>
          );
      }
    },
  );
  return <>{nodes}</>;
}
