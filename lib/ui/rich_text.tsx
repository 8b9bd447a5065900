/**
 * Message text as Preact nodes: http(s) URLs become safe links and `@name`
 * mentions are marked. Nothing is ever parsed as HTML.
 */

import type { ComponentChildren } from "preact";
import { tokenize } from "./text_segments.ts";

function codeOf(char: string): string {
  return `U+${
    char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")
  }`;
}

/** Message text with links and mentions, as Preact nodes; direction controls are shown as their code. */
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
        case "control":
          return (
            <span key={i} class="bidi-control" title="Hidden direction mark">
              {codeOf(segment.text)}
            </span>
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
