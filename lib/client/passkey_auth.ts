/** The browser's side of passkeys: an account created with a passkey alone, and signing in with one. */
import {
  startAuthentication,
  startRegistration,
} from "@simplewebauthn/browser";
import { type AuthResult, explain, finish, post } from "./auth_answers.ts";

function cancelled(error: unknown): AuthResult {
  const name = (error as Error)?.name;
  return {
    ok: false,
    message: name === "NotAllowedError"
      ? "The passkey request was cancelled or timed out."
      : "This browser could not use a passkey here.",
  };
}

/** Creates an account with a passkey alone. */
export async function passkeySignUp(username: string): Promise<AuthResult> {
  const start = await post("/api/auth/passkey/register/options", { username });
  if (start.status !== 200) {
    return explain({ status: start.status, body: start.body });
  }
  let response;
  try {
    response = await startRegistration({ optionsJSON: start.body.options });
  } catch (error) {
    return cancelled(error);
  }
  return finish(
    await post("/api/auth/passkey/register/verify", {
      ceremony: start.body.ceremony,
      response,
    }),
  );
}

/** Signs in with any passkey of this site. */
export async function passkeySignIn(): Promise<AuthResult> {
  const start = await post("/api/auth/passkey/login/options");
  if (start.status !== 200) {
    return explain({ status: start.status, body: start.body });
  }
  let response;
  try {
    response = await startAuthentication({ optionsJSON: start.body.options });
  } catch (error) {
    return cancelled(error);
  }
  const done = await post("/api/auth/passkey/login/verify", {
    ceremony: start.body.ceremony,
    response,
  });
  if (done.status === 401) {
    return {
      ok: false,
      message: "That passkey is not one of this site's accounts.",
    };
  }
  return finish(done);
}
