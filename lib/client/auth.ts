/** The browser's side of accounts: password and passkey sign-up and sign-in, sign-out, who am I. */
import {
  startAuthentication,
  startRegistration,
} from "@simplewebauthn/browser";

/** The outcome of an auth call: the account's name, or a sentence for people. */
export type AuthResult =
  | { ok: true; username: string }
  | { ok: false; message: string; field?: "username" | "password" };

/** A JSON answer of the auth routes. */
interface Answer {
  status: number;
  // deno-lint-ignore no-explicit-any
  body: any;
}

async function post(path: string, body?: unknown): Promise<Answer> {
  const res = await fetch(path, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: "same-origin",
  });
  const text = await res.text();
  try {
    return { status: res.status, body: text ? JSON.parse(text) : null };
  } catch {
    return { status: res.status, body: null };
  }
}

/** A sentence for an error answer of the auth routes. */
export function explain(
  status: number,
  // deno-lint-ignore no-explicit-any
  body: any,
  retryAfterS?: number,
): Extract<AuthResult, { ok: false }> {
  const error = body?.error;
  if (status === 429) {
    const minutes = Math.max(1, Math.ceil((retryAfterS ?? 60) / 60));
    return {
      ok: false,
      message: `Too many attempts. Try again in ${minutes} minute${
        minutes === 1 ? "" : "s"
      }.`,
    };
  }
  if (error === "bad_credentials") {
    return {
      ok: false,
      message: "That name and password do not match.",
      field: "password",
    };
  }
  if (error === "name_taken") {
    return {
      ok: false,
      message: "That name, or one that looks the same, is taken.",
      field: "username",
    };
  }
  if (error === "invalid_username") {
    return {
      ok: false,
      message: body?.message ?? "That name cannot be used.",
      field: "username",
    };
  }
  if (error === "weak_password") {
    return {
      ok: false,
      message: body?.message ?? "Pick a longer password.",
      field: "password",
    };
  }
  return {
    ok: false,
    message: body?.message ?? `Something went wrong (${status}). Try again.`,
  };
}

function finish(
  res: Response | { status: number; body: unknown },
): AuthResult {
  const { status, body } = res as {
    status: number;
    body: { username?: string };
  };
  if ((status === 200 || status === 201) && body?.username) {
    return { ok: true, username: body.username };
  }
  return explain(status, body);
}

/** Creates an account with a password and signs it in. */
export async function signUp(
  username: string,
  password: string,
): Promise<AuthResult> {
  return finish(await post("/api/auth/signup", { username, password }));
}

/** Signs in with a password. */
export async function signIn(
  username: string,
  password: string,
): Promise<AuthResult> {
  const res = await fetch("/api/auth/login", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username, password }),
  });
  const body = await res.json().catch(() => null);
  if (res.ok) return finish({ status: res.status, body });
  return explain(
    res.status,
    body,
    Number(res.headers.get("retry-after") ?? "60"),
  );
}

/** Signs out here and on every server. */
export async function signOut(): Promise<void> {
  await post("/api/auth/logout");
}

/** The signed-in account's name, null for nobody, undefined when the server has no accounts. */
export async function whoAmI(): Promise<string | null | undefined> {
  const res = await fetch("/api/auth/me", { credentials: "same-origin" });
  const body = await res.json().catch(() => null);
  if (res.status === 404) return undefined;
  return res.ok && typeof body?.username === "string" ? body.username : null;
}

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
  if (start.status !== 200) return explain(start.status, start.body);
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
  if (start.status !== 200) return explain(start.status, start.body);
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

/** Where to go after signing in: `next` when it is a path of this site, else home. */
export function safeNext(next: string | null | undefined): string {
  if (
    !next || !next.startsWith("/") || next.startsWith("//") ||
    next.startsWith("/\\")
  ) {
    return "/";
  }
  // Browsers drop tabs and newlines from a URL, so "/\t/evil.example"
  // passes the checks above yet leads off the site: resolve it to be sure.
  const base = "http://this-site.invalid";
  try {
    if (new URL(next, base).origin !== base) return "/";
  } catch {
    return "/";
  }
  return next;
}
