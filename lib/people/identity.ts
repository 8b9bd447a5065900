/** Who a request or a connection is: the three kinds of people, and the key that owns their messages. */

/** A guest, a signed-in account, or a person of an embedding site. */
export type PersonKind = "guest" | "account" | "token";

/** Who is speaking. */
export interface Identity {
  kind: PersonKind;
  /** The name shown. */
  username: string;
  /**
   * Owner of what this person sends: `a:<canonical name>` for an account,
   * `t:<sub>` for a token user, `g:<clientId>` or `c:<connection>` for a guest.
   */
  key: string;
  /** For an account: the store key of the sign-in session it came with, so a sign-out can end its sockets. */
  session?: string;
}

/** The ownership key of an account. */
export function accountKey(canonical: string): string {
  return `a:${canonical}`;
}

/** The ownership key of a token user. */
export function tokenKey(sub: string): string {
  return `t:${sub}`;
}

/** The kind of person an ownership key belongs to. */
export function kindOfKey(key: string | undefined): PersonKind {
  if (key?.startsWith("a:")) return "account";
  if (key?.startsWith("t:")) return "token";
  return "guest";
}
