import assert from "node:assert/strict";
import { renderToString } from "preact-render-to-string";
import type { MessageEvent } from "../protocol/events.ts";
import { charactersTouched } from "../../tests/support/work_meter.ts";
import { Timeline } from "./timeline.tsx";

const NOW = Date.UTC(2026, 2, 14, 12);

function page(text: string): MessageEvent[] {
  return Array.from({ length: 50 }, (_, i) => ({
    type: "message",
    id: String(i).padStart(8, "0"),
    room: "r",
    username: i % 2 ? "bob" : "eve",
    text,
    ts: NOW - 60_000 + i,
  }));
}

Deno.test("rendering 50 hostile messages costs work linear in their length, whatever the reader's name", () => {
  for (
    const text of [
      "http://a" + ").".repeat(996),
      "@".repeat(2000),
      "@a ".repeat(666),
    ]
  ) {
    const messages = page(text);
    const total = text.length * messages.length;
    for (const self of [null, "m".repeat(32)]) {
      let html = "";
      const touched = charactersTouched(() => {
        html = renderToString(
          <Timeline messages={messages} self={self} now={NOW} timeZone="UTC" />,
        );
      });
      assert.ok(html.includes("msg-text"));
      assert.ok(
        touched <= 60 * total,
        `${JSON.stringify(text.slice(0, 10))}… as ${
          JSON.stringify(self)
        }: ${touched} characters for ${total}`,
      );
    }
  }
});
