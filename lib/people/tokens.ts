/** Tokens of embedding sites: JWTs signed with HS256 by a shared secret, or ES256/RS256 by the site's key. */
import { importJWK, importSPKI, type JWK, jwtVerify } from "jose";
import { canonicalName, parseRoom, parseUsername } from "../protocol/names.ts";

/** Longest token read; longer ones are refused unread. */
export const MAX_TOKEN_LENGTH = 4096;
/** Longest `sub` claim, in characters. */
export const MAX_SUB_LENGTH = 256;
/** Most rooms a token may name. */
export const MAX_TOKEN_ROOMS = 100;

/** Who a valid token says its bearer is. */
export interface TokenClaims {
  sub: string;
  /** The `name` claim, trimmed and NFC. */
  name: string;
  /** Canonical rooms it may join (and is a member of), or undefined for any public room. */
  rooms?: string[];
}

/** A token's verdict: its claims, or why it was refused (for the log, never the token itself). */
export type TokenResult =
  | { ok: true; claims: TokenClaims }
  | { ok: false; reason: string };

type Key = CryptoKey | Uint8Array;

/** The configured keys; absent when the server takes no tokens. */
export interface TokenKeys {
  keys: { key: Key; algorithms: string[] }[];
}

async function importPublicKey(
  text: string,
): Promise<{ key: Key; algorithms: string[] }> {
  const trimmed = text.trim();
  if (trimmed.startsWith("{")) {
    const jwk = JSON.parse(trimmed) as JWK;
    const alg = jwk.alg ?? (jwk.kty === "EC" ? "ES256" : "RS256");
    if (alg !== "ES256" && alg !== "RS256") {
      throw new Error(`CHAT_TOKEN_PUBLIC_KEY: ${alg} keys are not taken`);
    }
    return { key: await importJWK(jwk, alg) as CryptoKey, algorithms: [alg] };
  }
  const pem = trimmed.replaceAll("\\n", "\n");
  for (const alg of ["ES256", "RS256"]) {
    try {
      return { key: await importSPKI(pem, alg), algorithms: [alg] };
    } catch {
      // try the next algorithm
    }
  }
  throw new Error(
    "CHAT_TOKEN_PUBLIC_KEY is neither a JWK nor a PEM public key (ES256 or RS256)",
  );
}

/** Loads the keys of `CHAT_TOKEN_SECRET` and `CHAT_TOKEN_PUBLIC_KEY`; throws with a clear message for a bad key. */
export async function loadTokenKeys(
  options: { secret?: string; publicKey?: string },
): Promise<TokenKeys> {
  const keys: TokenKeys["keys"] = [];
  if (options.secret) {
    keys.push({
      key: new TextEncoder().encode(options.secret),
      algorithms: ["HS256"],
    });
  }
  if (options.publicKey) keys.push(await importPublicKey(options.publicKey));
  return { keys };
}

function claimsOf(payload: Record<string, unknown>): TokenResult {
  const { sub, name, exp, rooms } = payload;
  if (
    typeof sub !== "string" || sub.length === 0 || sub.length > MAX_SUB_LENGTH
  ) {
    return { ok: false, reason: "sub" };
  }
  if (typeof exp !== "number") return { ok: false, reason: "exp" };
  if (typeof name !== "string") return { ok: false, reason: "name" };
  const parsed = parseUsername(name);
  if (!parsed.ok) return { ok: false, reason: "name" };
  if (rooms === undefined) {
    return { ok: true, claims: { sub, name: parsed.name } };
  }
  if (!Array.isArray(rooms) || rooms.length > MAX_TOKEN_ROOMS) {
    return { ok: false, reason: "rooms" };
  }
  const canonical: string[] = [];
  for (const room of rooms) {
    if (typeof room !== "string") return { ok: false, reason: "rooms" };
    const parsedRoom = parseRoom(room);
    if (parsedRoom.ok) canonical.push(parsedRoom.canonical);
  }
  return { ok: true, claims: { sub, name: parsed.name, rooms: canonical } };
}

/**
 * Checks a token for `room` (canonical): its signature by one of `keys`, an
 * `exp` in the future, `sub` and a valid `name`, and — when it names rooms —
 * that `room` is one of them.
 */
export async function verifyToken(
  token: string,
  options: { keys: TokenKeys; room: string },
): Promise<TokenResult> {
  if (options.keys.keys.length === 0) return { ok: false, reason: "no keys" };
  if (token.length > MAX_TOKEN_LENGTH) return { ok: false, reason: "too long" };
  let lastReason = "signature";
  for (const { key, algorithms } of options.keys.keys) {
    try {
      const { payload } = await jwtVerify(token, key, {
        algorithms,
        requiredClaims: ["exp", "sub"],
      });
      const result = claimsOf(payload as Record<string, unknown>);
      if (!result.ok) return result;
      const rooms = result.claims.rooms;
      if (rooms && !rooms.includes(canonicalName(options.room))) {
        return { ok: false, reason: "another room" };
      }
      return result;
    } catch (error) {
      const code = (error as { code?: string }).code ?? "";
      if (code === "ERR_JWT_EXPIRED") return { ok: false, reason: "expired" };
      if (code === "ERR_JWT_CLAIM_VALIDATION_FAILED") {
        return { ok: false, reason: "claims" };
      }
      lastReason = code || "malformed";
    }
  }
  return { ok: false, reason: lastReason };
}
