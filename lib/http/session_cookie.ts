/** The sign-in session cookie: its name, attributes, and the opaque id it carries. */
import type { Credentials } from "../people/people.ts";
import { SESSION_TTL_MS } from "../people/session_ids.ts";

/** Name of the session cookie. */
export const SESSION_COOKIE = "chat_session";
/** Longest cookie value taken as a session id; longer ones are not looked up. */
const MAX_ID_LENGTH = 64;

/** The session id in a request's cookies, if it has a plausible one. */
export function sessionIdOf(req: Request): string | undefined {
  const header = req.headers.get("cookie");
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0 || part.slice(0, eq).trim() !== SESSION_COOKIE) continue;
    const value = part.slice(eq + 1).trim();
    if (
      value.length > 0 && value.length <= MAX_ID_LENGTH &&
      /^[A-Za-z0-9_-]+$/.test(value)
    ) return value;
  }
  return undefined;
}

/** True when the request carries a session cookie at all (valid or not). */
export function hasSessionCookie(req: Request): boolean {
  const header = req.headers.get("cookie");
  if (!header) return false;
  return header.split(";").some((part) =>
    part.split("=")[0].trim() === SESSION_COOKIE
  );
}

/** `Set-Cookie` for a session id: HttpOnly, SameSite=Lax, Path=/, Secure over https. */
export function sessionCookie(
  id: string,
  options: { secure: boolean },
): string {
  return [
    `${SESSION_COOKIE}=${id}`,
    "HttpOnly",
    "SameSite=Lax",
    "Path=/",
    `Max-Age=${SESSION_TTL_MS / 1000}`,
    ...(options.secure ? ["Secure"] : []),
  ].join("; ");
}

/** `Set-Cookie` that removes the session cookie. */
export function clearedCookie(options: { secure: boolean }): string {
  return [
    `${SESSION_COOKIE}=`,
    "HttpOnly",
    "SameSite=Lax",
    "Path=/",
    "Max-Age=0",
    ...(options.secure ? ["Secure"] : []),
  ].join("; ");
}

/** What `req` carries of who sends it: its `?token=` and its session cookie's id (`url`: `req.url`, when already parsed). */
export function credentialsOf(
  req: Request,
  url: URL = new URL(req.url),
): Credentials {
  return {
    token: url.searchParams.get("token") || undefined,
    session: sessionIdOf(req),
  };
}
