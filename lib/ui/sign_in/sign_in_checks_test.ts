import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { checkPasskeyForm, checkPasswordForm } from "./sign_in_checks.ts";

Deno.test("sign-in checks: a name first, then a password; a passkey needs a name only for a new account", () => {
  assertEquals(
    checkPasswordForm({ username: "  ", password: "x" })?.field,
    "username",
  );
  assertEquals(
    checkPasswordForm({ username: "alice", password: "" })?.field,
    "password",
  );
  assertEquals(checkPasswordForm({ username: "alice", password: "x" }), null);
  assertEquals(checkPasskeyForm({ mode: "signin", username: "" }), null);
  assertEquals(
    checkPasskeyForm({ mode: "signup", username: " " })?.field,
    "username",
  );
  assertEquals(checkPasskeyForm({ mode: "signup", username: "alice" }), null);
});
