import assert from "node:assert/strict";
import { readBoundedBody } from "./bounded_body.ts";

function streamed(sizes: number[]): { req: Request; pulled: () => number } {
  let pulls = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (pulls === sizes.length) return controller.close();
      controller.enqueue(new Uint8Array(sizes[pulls++]).fill(0x61));
    },
  });
  return {
    req: new Request("http://x/", { method: "POST", body }),
    pulled: () => pulls,
  };
}

Deno.test("readBoundedBody: a body without a length is cut off once past the limit, the rest unread", async () => {
  const { req, pulled } = streamed([60, 60, 60, 60, 60]);
  assert.equal(req.headers.get("content-length"), null);
  assert.equal(await readBoundedBody(req, 100), null);
  assert.equal(pulled(), 2);
});

Deno.test("readBoundedBody: a body up to the limit is read whole; none is empty", async () => {
  const { req } = streamed([60, 40]);
  assert.equal((await readBoundedBody(req, 100))?.length, 100);
  const none = new Request("http://x/", { method: "POST" });
  assert.equal((await readBoundedBody(none, 100))?.length, 0);
});

Deno.test("readBoundedBody: a declared length past the limit is refused unread", async () => {
  const req = new Request("http://x/", {
    method: "POST",
    headers: { "content-length": "101" },
    body: "a".repeat(101),
  });
  assert.equal(await readBoundedBody(req, 100), null);
  assert.equal(req.bodyUsed, false);
});
