import assert from "node:assert/strict";
import { isTooLarge, parseFrame, utf8Length } from "./frames.ts";
import { MAX_FRAME_BYTES } from "../protocol/limits.ts";

function code(data: string): string {
  const result = parseFrame(data);
  return result.ok ? "ok" : result.error.code;
}

Deno.test("frames: well-formed join, message and typing", () => {
  assert.deepEqual(
    parseFrame(
      '{"type":"join","username":"bob","clientId":"c","since":"0001","batch":true,"presence":"coalesced"}',
    ),
    {
      ok: true,
      frame: {
        type: "join",
        username: "bob",
        clientId: "c",
        since: "0001",
        batch: true,
        presence: "coalesced",
      },
    },
  );
  assert.deepEqual(parseFrame('{"type":"message","text":" hi ","nonce":"n"}'), {
    ok: true,
    frame: { type: "message", text: " hi ", nonce: "n" },
  });
  assert.deepEqual(parseFrame('{"type":"typing","extra":1}'), {
    ok: true,
    frame: { type: "typing" },
  });
});

Deno.test("frames: structural problems are bad_frame, rule breaks their own code", () => {
  for (
    const data of [
      "",
      "nope",
      "[]",
      "1",
      '"x"',
      "null",
      "{}",
      '{"type":null}',
      '{"type":"x"}',
      '{"type":"join","username":1}',
      '{"type":"join","username":"a","token":7}',
      '{"type":"join","username":"a","clientId":1}',
      '{"type":"join","username":"a","clientId":""}',
      '{"type":"join","username":"a","since":null}',
      '{"type":"join","username":"a","presence":"sometimes"}',
      '{"type":"join","username":"a","presence":true}',
      '{"type":"message"}',
      '{"type":"message","text":["a"]}',
      '{"type":"message","text":"a","nonce":""}',
      `{"type":"message","text":"a","nonce":"${"n".repeat(65)}"}`,
      "[".repeat(5000) + "]".repeat(5000),
    ]
  ) assert.equal(code(data), "bad_frame", data.slice(0, 80));
  assert.equal(code('{"type":"message","text":"  "}'), "invalid_message");
  assert.equal(
    code(JSON.stringify({ type: "message", text: "x".repeat(2001) })),
    "invalid_message",
  );
  assert.equal(
    code(
      JSON.stringify({ type: "message", text: " " + "x".repeat(2000) + " " }),
    ),
    "ok",
  );
  assert.equal(
    code(JSON.stringify({ type: "message", text: "🎉".repeat(2000) })),
    "ok",
  );
  assert.equal(
    code(
      JSON.stringify({ type: "join", username: "", clientId: "😀".repeat(64) }),
    ),
    "ok",
  );
});

Deno.test("frames: size is counted in UTF-8 bytes", () => {
  assert.equal(utf8Length("aé€😀"), 1 + 2 + 3 + 4);
  assert.equal(utf8Length('{"members":["ann","bob"]}'), 25);
  assert.equal(utf8Length(""), 0);
  assert.equal(utf8Length("\u007f\u0080"), 1 + 2);
  assert.equal(utf8Length("\ud800x"), 3 + 1, "a lone surrogate counts 3");
  assert.ok(utf8Length("a".repeat(100), 10) > 10);
  assert.ok(utf8Length("é".repeat(100), 10) > 10);
  assert.equal(isTooLarge("a".repeat(MAX_FRAME_BYTES)), false);
  assert.equal(isTooLarge("a".repeat(MAX_FRAME_BYTES + 1)), true);
  assert.equal(isTooLarge("€".repeat(5461)), false);
  assert.equal(isTooLarge("€".repeat(5462)), true);
  assert.equal(isTooLarge("😀".repeat(4096)), false);
  assert.equal(isTooLarge("😀".repeat(4097)), true);
});

Deno.test("frames: edit, delete, react and replyTo", () => {
  assert.deepEqual(parseFrame('{"type":"edit","id":"1","text":"x"}'), {
    ok: true,
    frame: { type: "edit", id: "1", text: "x" },
  });
  assert.deepEqual(parseFrame('{"type":"delete","id":"1"}'), {
    ok: true,
    frame: { type: "delete", id: "1" },
  });
  assert.deepEqual(
    parseFrame('{"type":"react","id":"1","emoji":"👍🏽","on":false}'),
    { ok: true, frame: { type: "react", id: "1", emoji: "👍🏽", on: false } },
  );
  assert.deepEqual(
    parseFrame('{"type":"message","text":"x","replyTo":"7"}'),
    {
      ok: true,
      frame: { type: "message", text: "x", nonce: undefined, replyTo: "7" },
    },
  );
  for (
    const frame of [
      '{"type":"edit","text":"x"}',
      '{"type":"edit","id":1,"text":"x"}',
      '{"type":"edit","id":"1"}',
      '{"type":"delete"}',
      '{"type":"react","id":"1","emoji":"👍"}',
      '{"type":"react","id":"1","emoji":"👍","on":"yes"}',
      '{"type":"react","id":"1","emoji":5,"on":true}',
      '{"type":"message","text":"x","replyTo":5}',
    ]
  ) assert.equal(code(frame), "bad_frame", frame);
  for (
    const emoji of ["", "a", "👍👍", "👍a", "🇫🇷🇫🇷", "x".repeat(17), " "]
  ) {
    assert.equal(
      code(JSON.stringify({ type: "react", id: "1", emoji, on: true })),
      "invalid_message",
      emoji,
    );
  }
  for (const emoji of ["👍", "❤️", "🇫🇷", "1️⃣", "👨‍👩‍👧‍👦", "🏳️‍🌈"]) {
    assert.equal(
      code(JSON.stringify({ type: "react", id: "1", emoji, on: true })),
      "ok",
      emoji,
    );
  }
  assert.equal(
    code('{"type":"edit","id":"1","text":"  "}'),
    "invalid_message",
  );
});
