/** The browser's side of password accounts: sign-up, sign-in, sign-out, who am I. */
import { type AuthResult, explain, finish, post } from "./auth_answers.ts";

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
  return explain({
    status: res.status,
    body,
    retryAfterS: Number(res.headers.get("retry-after") ?? "60"),
  });
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
