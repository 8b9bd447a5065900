import assert from "node:assert/strict";
import { lookAlikeKey, skeleton } from "./skeleton.ts";

Deno.test("the TS #39 skeleton maps look-alikes to one prototype", () => {
  assert.equal(skeleton("\u0430lice"), "alice");
  assert.equal(skeleton("paypa1"), "paypal");
  assert.equal(skeleton("alice"), "alice");
  assert.notEqual(skeleton("\u00e5lice"), skeleton("alice"));
});

Deno.test("look-alike keys collide for names a reader cannot tell apart", () => {
  const alice = lookAlikeKey("alice");
  for (
    const name of [
      "Alice",
      "ALICE",
      "\u0430lice", // Cyrillic а
      "\u0410LICE", // Cyrillic А
      "AL\u0406CE", // Cyrillic І
      "\u13aalice", // Cherokee Ꭺ
      "\uff41\uff4c\uff49\uff43\uff45", // fullwidth
      "\u{1d41a}\u{1d425}\u{1d422}\u{1d41c}\u{1d41e}", // mathematical bold
      "alice.",
      ".alice",
      "alice_",
      "alice ",
    ]
  ) {
    assert.equal(lookAlikeKey(name), alice, name);
  }
  assert.equal(lookAlikeKey("al  ice"), lookAlikeKey("al ice"));
  assert.equal(lookAlikeKey("bob_smith"), lookAlikeKey("bob smith"));
  assert.equal(lookAlikeKey("paypa1"), lookAlikeKey("PayPal"));
});

Deno.test("names that look different keep different keys", () => {
  const alice = lookAlikeKey("alice");
  for (const name of ["alicia", "ålice", "al ice", "bob", "alice2"]) {
    assert.notEqual(lookAlikeKey(name), alice, name);
  }
});

Deno.test("names with one canonical form share one look-alike key", async () => {
  const { canonicalName } = await import("../protocol/names.ts");
  const pairs = [
    ["Alice", "aLICE"],
    ["\u0130stanbul", "i\u0307stanbul"],
    ["\u13aa\u13b3", "\uab8a\uab83"],
    ["\u00c9mile", "e\u0301mile"],
    ["\u03a3\u03bf\u03c6\u03af\u03b1", "\u03c3\u03bf\u03c6\u03af\u03b1"],
  ];
  for (const [a, b] of pairs) {
    if (canonicalName(a) !== canonicalName(b)) continue;
    assert.equal(lookAlikeKey(a), lookAlikeKey(b), `${a} / ${b}`);
  }
});
