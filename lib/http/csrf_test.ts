import assert from "node:assert/strict";
import { csrfProblem } from "./csrf.ts";

function req(
  method: string,
  headers: Record<string, string> = {},
): Request {
  return new Request("http://chat.example/api/x", {
    method,
    headers: { host: "chat.example", ...headers },
  });
}

Deno.test("reads are never refused", () => {
  assert.equal(
    csrfProblem(req("GET", { origin: "https://evil.example" }), []),
    undefined,
  );
  assert.equal(
    csrfProblem(req("HEAD", { cookie: "chat_session=x" }), []),
    undefined,
  );
});

Deno.test("state-changing requests from a foreign origin are refused", () => {
  for (const method of ["POST", "PUT", "PATCH", "DELETE"]) {
    assert.ok(csrfProblem(req(method, { origin: "https://evil.example" }), []));
    assert.equal(
      csrfProblem(req(method, { origin: "http://chat.example" }), []),
      undefined,
    );
    assert.equal(
      csrfProblem(req(method, { origin: "https://chat.example" }), []),
      undefined,
    );
  }
  assert.ok(
    csrfProblem(req("POST", { origin: "http://chat.example.evil" }), []),
  );
  assert.ok(csrfProblem(req("POST", { origin: "null" }), []));
  assert.equal(
    csrfProblem(req("POST", { origin: "https://friend.example" }), [
      "https://friend.example",
    ]),
    undefined,
  );
});

Deno.test("no Origin is a non-browser client, unless it carries a session cookie", () => {
  assert.equal(csrfProblem(req("POST"), []), undefined);
  assert.ok(csrfProblem(req("POST", { cookie: "a=1; chat_session=abc" }), []));
  assert.ok(csrfProblem(req("DELETE", { cookie: "chat_session=" }), []));
  assert.equal(csrfProblem(req("POST", { cookie: "other=1" }), []), undefined);
});
