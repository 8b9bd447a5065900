import assert from "node:assert/strict";
import { ConnectionLimiter, LimiterTicket } from "./limits.ts";

Deno.test("limiter: total cap, then per-address cap when set", () => {
  const limiter = new ConnectionLimiter({ maxTotal: 3, maxPerAddress: 2 });
  assert.equal(limiter.admit("a"), "ok");
  assert.equal(limiter.admit("a"), "ok");
  assert.equal(limiter.admit("a"), "address_full");
  assert.equal(limiter.admit("b"), "ok");
  assert.equal(limiter.admit("c"), "server_full");
  limiter.release("a");
  assert.equal(limiter.total, 2);
  assert.equal(limiter.admit("a"), "ok");
  const open = new ConnectionLimiter({ maxTotal: 10, maxPerAddress: 0 });
  for (let i = 0; i < 10; i++) assert.equal(open.admit("same"), "ok");
  assert.equal(open.admit("same"), "server_full");
});

Deno.test("limiter: isolates sharing one count share the total cap", () => {
  const shared = new Int32Array(new SharedArrayBuffer(4));
  const a = new ConnectionLimiter({ maxTotal: 3, maxPerAddress: 0, shared });
  const b = new ConnectionLimiter({ maxTotal: 3, maxPerAddress: 0, shared });
  assert.equal(a.admit("x"), "ok");
  assert.equal(b.admit("y"), "ok");
  assert.equal(a.admit("z"), "ok");
  assert.equal(b.admit("y"), "server_full");
  assert.equal(b.total, 3);
  a.release("x");
  assert.equal(b.admit("y"), "ok");
  assert.equal(shared[0], 3);
});

Deno.test("limiter ticket: gives its place back once, however often released", () => {
  const limiter = new ConnectionLimiter({ maxTotal: 2, maxPerAddress: 1 });
  assert.equal(limiter.admit("a"), "ok");
  const ticket = new LimiterTicket(limiter, "a");
  assert.equal(limiter.admit("b"), "ok");
  assert.equal(ticket.address, "a");
  ticket.release();
  ticket.release();
  assert.equal(limiter.total, 1, "b is still counted");
  assert.equal(limiter.admit("a"), "ok");
  assert.equal(limiter.admit("a"), "address_full");
});
