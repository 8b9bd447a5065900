import assert from "node:assert/strict";
import {
  canonicalName,
  compareCodePoints,
  compareNames,
  parseRoom,
  parseUsername,
  sortNames,
} from "./names.ts";

Deno.test("rooms: letters, digits, _ and -, 1 to 64 code points", () => {
  for (
    const good of [
      "lobby",
      "Lobby",
      "a",
      "room_1-2",
      "café",
      "日本語",
      "x".repeat(64),
      "𝒳".repeat(64),
    ]
  ) {
    assert.equal(parseRoom(good).ok, true, good);
  }
  for (
    const bad of [
      "",
      " ",
      "a b",
      "a/b",
      "a.b",
      "..",
      "<x>",
      "a\0",
      "a\u200bb",
      "x".repeat(65),
      "tab\t",
      "%41",
    ]
  ) {
    assert.equal(parseRoom(bad).ok, false, JSON.stringify(bad));
  }
});

Deno.test("rooms: canonical form is NFC of lowercase of NFC", () => {
  const nfd = "Cafe\u0301";
  const result = parseRoom(nfd);
  assert.ok(result.ok);
  assert.equal(result.canonical, "caf\u00e9");
  assert.equal(canonicalName("LOBBY"), "lobby");
});

Deno.test("usernames: trimmed, NFC, 1 to 32, letters digits space _ - .", () => {
  const ok = parseUsername("  Mary-Jane O.K_2  ");
  assert.ok(ok.ok);
  assert.equal(ok.name, "Mary-Jane O.K_2");
  assert.equal(ok.canonical, "mary-jane o.k_2");
  for (const good of ["bob", "Zoë", "李小龙", "a".repeat(32), "e\u0301"]) {
    assert.equal(parseUsername(good).ok, true, good);
  }
  for (
    const bad of [
      "",
      "   ",
      "a".repeat(33),
      "tab\there",
      "nb\u00a0sp",
      "zero\u200bwidth",
      "bidi\u202eevil",
      "\u3164",
      "filler\u3164",
      "line\nbreak",
      "<b>",
      "emoji🎉",
      "\u0301accent-first",
    ]
  ) {
    assert.equal(parseUsername(bad).ok, false, JSON.stringify(bad));
  }
});

Deno.test("members sort by canonical form, then by code point", () => {
  assert.deepEqual(
    ["bob", "Alice", "alice", "Émile", "carol"].sort(compareNames),
    [
      "Alice",
      "alice",
      "bob",
      "carol",
      "Émile",
    ],
  );
});

Deno.test("members sort by code point, not UTF-16 unit, within one canonical form", () => {
  const astral = "a\u{1d4b3}";
  const bmp = "a\uffe0";
  assert.deepEqual(sortNames([astral, bmp]), [bmp, astral]);
  assert.equal(compareCodePoints(bmp, astral) < 0, true);
  assert.deepEqual(sortNames(["bob", "Alice", "alice", "Émile", "carol"]), [
    "Alice",
    "alice",
    "bob",
    "carol",
    "Émile",
  ]);
});
