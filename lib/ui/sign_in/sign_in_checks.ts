/** What the sign-in form checks before it asks the server: a name, and a password unless a passkey is used. */
import type { AuthResult } from "../../client/auth_answers.ts";

/** Signing in to an account, or creating one. */
export type SignInMode = "signin" | "signup";

/** A refusal, with the field it is about. */
export type AuthFailure = Extract<AuthResult, { ok: false }>;

/** Why the password form cannot be sent yet; null when it can. */
export function checkPasswordForm(
  form: { username: string; password: string },
): AuthFailure | null {
  if (!form.username.trim()) {
    return { ok: false, message: "Enter your name.", field: "username" };
  }
  if (!form.password) {
    return {
      ok: false,
      message: "Enter a password, or use a passkey.",
      field: "password",
    };
  }
  return null;
}

/** Why a passkey cannot be used yet (a new account needs a name first); null when it can. */
export function checkPasskeyForm(
  form: { mode: SignInMode; username: string },
): AuthFailure | null {
  if (form.mode === "signup" && !form.username.trim()) {
    return {
      ok: false,
      message: "Pick a name for your new account first.",
      field: "username",
    };
  }
  return null;
}
