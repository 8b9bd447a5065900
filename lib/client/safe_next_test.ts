import assert from "node:assert/strict";
import { safeNext } from "./safe_next.ts";

Deno.test("safeNext: a path of this site is kept; anything leading elsewhere goes home", () => {
  for (const kept of ["/", "/chat/lobby", "/invite/abc?x=1#y", "/a%2F/b"]) {
    assert.equal(safeNext(kept), kept);
  }
  for (
    const away of [
      null,
      undefined,
      "",
      "https://evil.example/",
      "//evil.example",
      "/\\evil.example",
      "/\t/evil.example",
      "/\n/evil.example",
      "/\r\\evil.example",
      "\t//evil.example",
    ]
  ) {
    assert.equal(safeNext(away), "/", JSON.stringify(away));
  }
});
