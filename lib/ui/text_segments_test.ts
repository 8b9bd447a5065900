import assert, { deepStrictEqual as assertEquals } from "node:assert/strict";
import { mentionsSelf, tokenize } from "./text_segments.ts";
import { charactersTouched } from "../../tests/support/work_meter.ts";

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

/** Texts that made the old tokenizer quadratic, or its work grow with the reader's name. */
const HOSTILE = [
  "http://a" + ").".repeat(996),
  "http://a" + ".".repeat(1992),
  "(http://[".repeat(222),
  "@".repeat(2000),
  "@a ".repeat(666),
  "@a" + ".-".repeat(998) + "a",
  "@" + "a.".repeat(999),
];
/** Reader names: none, short, the longest, and ones full of places a mention can end. */
const READERS = [
  null,
  "x",
  "x".repeat(32),
  "a ".repeat(15) + "a",
  "a.".repeat(16),
];

Deno.test("tokenizing hostile text reads each character a bounded number of times, whatever the reader's name", () => {
  for (const text of HOSTILE) {
    for (const reader of READERS) {
      const touched = charactersTouched(() => {
        tokenize(text, reader);
        mentionsSelf(text, reader);
      });
      assert.ok(
        touched <= 40 * text.length,
        `${JSON.stringify(text.slice(0, 12))}… (${text.length}) as ${
          JSON.stringify(reader)
        }: ${touched} characters`,
      );
    }
  }
});

Deno.test("mention ends: longest spelling of the reader's name before a non-word character", () => {
  assertEquals(tokenize("@alice-bob", "alice")[0], {
    kind: "mention",
    text: "@alice",
    self: true,
  });
  assertEquals(tokenize("@ALİCE.", "alİce")[0], {
    kind: "mention",
    text: "@ALİCE",
    self: true,
  });
  assertEquals(tokenize("@alice\u0301 hi", "alice")[0], {
    kind: "mention",
    text: "@alice\u0301",
    self: false,
  });
  assertEquals(tokenize("@𝐚𝐛 hi", "𝐚𝐛")[0].kind, "mention");
  assertEquals(mentionsSelf("@𝐚𝐛 hi", "𝐚𝐛"), true);
  assertEquals(mentionsSelf("@Mary Annabel", "mary ann"), false);
});

Deno.test("unmatched closing brackets of any kind are trimmed from a link", () => {
  assertEquals(tokenize("http://a.io/x)]}.")[0], {
    kind: "link",
    text: "http://a.io/x",
    href: "http://a.io/x",
  });
});

Deno.test("direction controls become their own segments, never part of a link", () => {
  const text = "see \u202egnp.exe and https://a.io/\u202ex";
  const segments = tokenize(text);
  assertEquals(segments.map((s) => s.text).join(""), text);
  assertEquals(segments.filter((s) => s.kind === "control").length, 2);
  assertEquals(segments.find((s) => s.kind === "link")?.text, "https://a.io/");
  assert.ok(
    segments.every((s) =>
      s.kind === "control" || !/[\u202a-\u202e\u2066-\u2069]/.test(s.text)
    ),
  );
});
