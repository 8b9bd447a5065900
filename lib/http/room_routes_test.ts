import assert from "node:assert/strict";
import { limitParam, MAX_BODY_BYTES, readBody } from "./room_routes.ts";

function chunked(text: string): Request {
  const bytes = new TextEncoder().encode(text);
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (let at = 0; at < bytes.length; at += 1000) {
        controller.enqueue(bytes.slice(at, at + 1000));
      }
      controller.close();
    },
  });
  return new Request("http://x/", { method: "POST", body });
}

Deno.test("readBody: a body past MAX_BODY_BYTES without a declared length is 413", async () => {
  const answer = await readBody(
    chunked(JSON.stringify({ a: "x".repeat(MAX_BODY_BYTES) })),
  );
  assert.ok(answer instanceof Response);
  assert.equal(answer.status, 413);
});

Deno.test("readBody: a JSON object up to the limit is read; other JSON is 400", async () => {
  assert.deepEqual(await readBody(chunked('{"maxUses":3}')), { maxUses: 3 });
  const answer = await readBody(chunked("[1]"));
  assert.ok(answer instanceof Response);
  assert.equal(answer.status, 400);
});

Deno.test("limitParam: absent is the fallback; 1..max in plain digits; anything else is 400", async () => {
  const at = (query: string) =>
    limitParam(new URL(`http://x/${query}`), { fallback: 50, max: 200 });
  assert.equal(at(""), 50);
  assert.equal(at("?limit=1"), 1);
  assert.equal(at("?limit=200"), 200);
  for (const bad of ["0", "201", "1e2", "-1", " 5", "0x10", "", "12345"]) {
    const answer = at(`?limit=${encodeURIComponent(bad)}`);
    assert.ok(answer instanceof Response, bad);
    assert.equal(answer.status, 400);
    assert.match((await answer.json()).error, /from 1 to 200/);
  }
});
