/** Who a socket or a route speaks for, as rooms with access see it. */

import type { Identity as Person } from "../people/identity.ts";

/** A person (`lib/people/identity.ts`); a token's also names the rooms it opens. */
export interface Identity extends Person {
  /** For tokens: the rooms the token names (canonical). */
  rooms?: readonly string[];
}

/**
 * The keys a ban or a membership may be held under: the person's own key,
 * and for a guest also its address (a new `clientId` does not escape a ban).
 */
export function keysOf(identity: Identity, address?: string): string[] {
  if (identity.kind !== "guest" || !address) return [identity.key];
  return [identity.key, `ip:${address}`];
}

/** The canonical account name of an account identity. */
export function accountOf(identity: Identity | null): string | undefined {
  return identity?.kind === "account" && identity.key.startsWith("a:")
    ? identity.key.slice(2)
    : undefined;
}
