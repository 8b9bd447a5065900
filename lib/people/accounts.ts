/** What the server keeps about people: accounts, passkeys, sessions, failed sign-ins, WebAuthn challenges. */

/** One account; its name belongs to it on the whole server. */
export interface Account {
  /** The name as registered (trimmed, NFC). */
  username: string;
  /** `canonicalName(username)`: the account's key. */
  canonical: string;
  /** `lookAlikeKey(username)`: no other account may have the same. */
  lookAlike: string;
  /** `hashPassword()` output; absent for a passkey-only account. */
  passwordHash?: string;
  /** WebAuthn user handle (base64url, random, never the name). */
  userHandle: string;
  createdAt: number;
}

/** A passkey of an account. */
export interface PasskeyCredential {
  /** Credential id, base64url. */
  id: string;
  /** Canonical name of the account it signs in to. */
  canonical: string;
  /** COSE public key, base64url. */
  publicKey: string;
  counter: number;
  transports?: string[];
  createdAt: number;
}

/** A server-side sign-in session, stored under a hash of its cookie's id. */
export interface SessionRecord {
  canonical: string;
  username: string;
  /** Epoch ms after which it is void; pushed forward as it is used. */
  expiresAt: number;
}

/** A fixed window of counted failures. */
export interface FailureWindow {
  count: number;
  /** Epoch ms when the window ends and the count starts again. */
  resetAt: number;
}

/** Storage for people; one interface, a backend per store kind, one conformance suite. */
export interface AccountStore {
  /** Creates the account (and its first passkey) unless the canonical name or look-alike key is taken; false when taken. */
  create(
    account: Account,
    options?: { credential?: PasskeyCredential },
  ): Promise<boolean>;
  /** The account with this canonical name, or null. */
  get(canonical: string): Promise<Account | null>;
  /** Canonical name of the account whose look-alike key this is, or null. */
  ownerOfLookAlike(key: string): Promise<string | null>;
  /** Adds a passkey to an existing account. */
  addCredential(credential: PasskeyCredential): Promise<void>;
  /** The passkey with this id, or null. */
  credential(id: string): Promise<PasskeyCredential | null>;
  /** Every passkey of an account. */
  credentials(canonical: string): Promise<PasskeyCredential[]>;
  /** Records a passkey's signature counter after a sign-in. */
  setCounter(id: string, counter: number): Promise<void>;
  /** Stores (or extends) a session until `record.expiresAt`. */
  putSession(id: string, record: SessionRecord): Promise<void>;
  /** The live session with this id, or null (unknown, revoked or expired). */
  session(id: string): Promise<SessionRecord | null>;
  /** Revokes a session. */
  dropSession(id: string): Promise<void>;
  /** Counts one failure under `key` in a window of `windowMs` that starts with the first. */
  countFailure(key: string, windowMs: number): Promise<FailureWindow>;
  /** The current window of failures under `key`, or null when none. */
  failures(key: string): Promise<FailureWindow | null>;
  /** Forgets the failures under `key`. */
  clearFailures(key: string): Promise<void>;
  /** Keeps a one-time value (a WebAuthn challenge) for `ttlMs`. */
  putChallenge(id: string, value: string, ttlMs: number): Promise<void>;
  /** The value under `id`, removed as it is read; null when unknown or expired. */
  takeChallenge(id: string): Promise<string | null>;
}
