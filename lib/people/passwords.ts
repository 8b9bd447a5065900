/** Password rules and slow salted hashes (scrypt from node:crypto). */
import { randomBytes, scrypt, timingSafeEqual } from "node:crypto";
import {
  MAX_PASSWORD_LENGTH,
  MIN_PASSWORD_LENGTH,
} from "../protocol/limits.ts";

/** scrypt cost: N = 2^15, r = 8, p = 1 (32 MiB, tens of milliseconds), as OWASP advises. */
export const SCRYPT_PARAMS = { N: 2 ** 15, r: 8, p: 1 } as const;
/** Password hashes computed at once; more wait their turn (each costs 32 MiB and a core). */
export const MAX_CONCURRENT_HASHES = 4;
/** Hashes waiting for a turn before more are refused (the caller answers 503). */
export const MAX_WAITING_HASHES = 64;

const KEY_BYTES = 32;
const SALT_BYTES = 16;

/** Why a password was refused, or undefined when it may be used. */
export function passwordProblem(password: string): string | undefined {
  const length = [...password].length;
  if (length < MIN_PASSWORD_LENGTH) {
    return `A password has at least ${MIN_PASSWORD_LENGTH} characters.`;
  }
  if (length > MAX_PASSWORD_LENGTH) {
    return `A password has at most ${MAX_PASSWORD_LENGTH} characters.`;
  }
  return undefined;
}

/** Thrown when too many hashes are already waiting. */
export class HashesBusy extends Error {
  constructor() {
    super("too many password checks at once");
  }
}

let running = 0;
const waiting: (() => void)[] = [];

async function withSlot<T>(work: () => Promise<T>): Promise<T> {
  if (running >= MAX_CONCURRENT_HASHES) {
    if (waiting.length >= MAX_WAITING_HASHES) throw new HashesBusy();
    await new Promise<void>((resolve) => waiting.push(resolve));
  } else {
    running++;
  }
  try {
    return await work();
  } finally {
    const next = waiting.shift();
    if (next) next();
    else running--;
  }
}

function derive(
  password: string,
  salt: Uint8Array,
  params: { N: number; r: number; p: number },
): Promise<Uint8Array> {
  return withSlot(() =>
    new Promise((resolve, reject) => {
      scrypt(
        password.normalize("NFC"),
        salt,
        KEY_BYTES,
        { ...params, maxmem: 256 * params.N * params.r },
        (error, key) => error ? reject(error) : resolve(new Uint8Array(key)),
      );
    })
  );
}

function b64(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes));
}

function unb64(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

/** A self-describing hash: `scrypt$N$r$p$salt$key` (base64). */
export async function hashPassword(password: string): Promise<string> {
  const salt = new Uint8Array(randomBytes(SALT_BYTES));
  const key = await derive(password, salt, SCRYPT_PARAMS);
  const { N, r, p } = SCRYPT_PARAMS;
  return `scrypt$${N}$${r}$${p}$${b64(salt)}$${b64(key)}`;
}

/** True when `password` matches `stored`; compares in constant time. */
export async function verifyPassword(
  password: string,
  stored: string,
): Promise<boolean> {
  const [scheme, n, r, p, salt, key] = stored.split("$");
  if (scheme !== "scrypt" || !salt || !key) return false;
  const params = { N: Number(n), r: Number(r), p: Number(p) };
  const expected = unb64(key);
  const actual = await derive(password, unb64(salt), params);
  return actual.length === expected.length &&
    timingSafeEqual(actual, expected);
}

let dummy: Promise<string> | undefined;

/** Spends as long as a real check, for a name that has no password: same answer, same time. */
export async function verifyNothing(password: string): Promise<false> {
  dummy ??= hashPassword("no account has this password");
  await verifyPassword(password, await dummy);
  return false;
}
