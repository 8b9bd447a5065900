/** Sign-in session ids: unguessable, stored only as a hash, for how long. */
import { encodeBase64Url } from "./base64url.ts";

/** A session ends after this long without use (30 days). */
export const SESSION_TTL_MS = 30 * 24 * 60 * 60_000;
/** Random bytes in a session id (256 bits). */
export const SESSION_ID_BYTES = 32;

/** A new unguessable session id, base64url. */
export function newSessionId(): string {
  return encodeBase64Url(
    crypto.getRandomValues(new Uint8Array(SESSION_ID_BYTES)),
  );
}

/** The key a session is stored under: SHA-256 of its id, so a copy of the store signs nobody in. */
export async function sessionStoreKey(id: string): Promise<string> {
  const digest = await crypto.subtle.digest(
    "SHA-256",
    new TextEncoder().encode(id),
  );
  return encodeBase64Url(new Uint8Array(digest));
}
