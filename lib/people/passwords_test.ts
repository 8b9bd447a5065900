import assert from "node:assert/strict";
import {
  MAX_PASSWORD_LENGTH,
  MIN_PASSWORD_LENGTH,
} from "../protocol/limits.ts";
import {
  hashPassword,
  passwordProblem,
  verifyNothing,
  verifyPassword,
} from "./passwords.ts";

Deno.test("a password hash verifies the password and nothing else", async () => {
  const hash = await hashPassword("correct horse");
  assert.match(hash, /^scrypt\$32768\$8\$1\$/);
  assert.doesNotMatch(hash, /correct horse/);
  assert.equal(await verifyPassword("correct horse", hash), true);
  assert.equal(await verifyPassword("correct horsE", hash), false);
  assert.equal(await verifyPassword("", hash), false);
  assert.equal(await verifyPassword("correct horse", "garbage"), false);
});

Deno.test("two hashes of one password differ (salted)", async () => {
  assert.notEqual(
    await hashPassword("same pass"),
    await hashPassword("same pass"),
  );
});

Deno.test("passwords have 8 to 256 characters, counted in code points", () => {
  assert.ok(passwordProblem("x".repeat(MIN_PASSWORD_LENGTH - 1)));
  assert.equal(passwordProblem("x".repeat(MIN_PASSWORD_LENGTH)), undefined);
  assert.equal(passwordProblem("🎉".repeat(MIN_PASSWORD_LENGTH)), undefined);
  assert.equal(passwordProblem("x".repeat(MAX_PASSWORD_LENGTH)), undefined);
  assert.ok(passwordProblem("x".repeat(MAX_PASSWORD_LENGTH + 1)));
});

Deno.test("checking against no account takes a real hash's time and says no", async () => {
  const hash = await hashPassword("warm up");
  const t0 = performance.now();
  await verifyPassword("abcdefgh", hash);
  const real = performance.now() - t0;
  const t1 = performance.now();
  assert.equal(await verifyNothing("abcdefgh"), false);
  await verifyNothing("abcdefgh");
  const t2 = performance.now();
  await verifyNothing("abcdefgh");
  const dummy = performance.now() - t2;
  assert.ok(t2 > t1);
  assert.ok(dummy > real / 4, `dummy ${dummy} ms vs real ${real} ms`);
});
