import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { mentionsSelf, tokenize } from "./rich_text.tsx";

Deno.test("http and https URLs become links; trailing punctuation stays text", () => {
  assertEquals(tokenize("see https://example.com/a?b=1. ok"), [
    { kind: "text", text: "see " },
    {
      kind: "link",
      text: "https://example.com/a?b=1",
      href: "https://example.com/a?b=1",
    },
    { kind: "text", text: ". ok" },
  ]);
  assertEquals(tokenize("(http://x.org/wiki/A_(b))"), [
    { kind: "text", text: "(" },
    {
      kind: "link",
      text: "http://x.org/wiki/A_(b)",
      href: "http://x.org/wiki/A_(b)",
    },
    { kind: "text", text: ")" },
  ]);
});

Deno.test("other schemes and bare prefixes stay text", () => {
  for (
    const text of [
      "javascript:alert(1)",
      "data:text/html,<b>x</b>",
      "ftp://example.com",
      "https://",
      "xhttps://example.com",
    ]
  ) {
    assertEquals(tokenize(text), [{ kind: "text", text }]);
  }
});

Deno.test("mentions: marked, strongly for the reader, never inside an address", () => {
  assertEquals(tokenize("hi @Bob and @alice.", "alice"), [
    { kind: "text", text: "hi " },
    { kind: "mention", text: "@Bob", self: false },
    { kind: "text", text: " and " },
    { kind: "mention", text: "@alice", self: true },
    { kind: "text", text: "." },
  ]);
  assertEquals(tokenize("mail bob@example.com"), [
    { kind: "text", text: "mail bob@example.com" },
  ]);
  assertEquals(tokenize("@Mary Ann look", "mary ann")[0], {
    kind: "mention",
    text: "@Mary Ann",
    self: true,
  });
  assertEquals(tokenize("@alicex", "alice")[0].kind, "mention");
  assertEquals(mentionsSelf("@alicex", "alice"), false);
  assertEquals(mentionsSelf("yo @ALICE!", "alice"), true);
});

Deno.test("newlines and spaces are kept exactly", () => {
  const text = "line one\n  line two https://a.io\n";
  const joined = tokenize(text).map((s) => s.text).join("");
  assertEquals(joined, text);
});
