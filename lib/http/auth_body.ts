/** What the auth routes share: bounded JSON bodies, 429 answers. */
import { readBoundedBody } from "./bounded_body.ts";
import { json } from "./json.ts";
import type { Verdict } from "../people/throttle.ts";

/** Largest JSON body the auth routes read. */
export const MAX_AUTH_BODY_BYTES = 4096;

/** A JSON object body of at most `limit` bytes ({@linkcode MAX_AUTH_BODY_BYTES}), or undefined. */
export async function readJson(
  req: Request,
  limit: number = MAX_AUTH_BODY_BYTES,
): Promise<Record<string, unknown> | undefined> {
  const bytes = await readBoundedBody(req, limit);
  if (bytes === null) return undefined;
  try {
    const body = JSON.parse(
      new TextDecoder("utf-8", { fatal: true }).decode(bytes),
    );
    return body && typeof body === "object" && !Array.isArray(body)
      ? body
      : undefined;
  } catch {
    return undefined;
  }
}

/** `429` with `Retry-After`. */
export function tooMany(verdict: Verdict & { ok: false }): Response {
  return json({ error: "too_many_attempts" }, {
    status: 429,
    headers: {
      "retry-after": String(verdict.retryAfterS),
    },
  });
}

/** What `People.signedIn` starts a session for, and how it logs it. */
export interface SignedInOptions {
  info: Deno.ServeHandlerInfo;
  account: { canonical: string; username: string };
  event: "signup" | "login";
  method: "password" | "passkey";
}
