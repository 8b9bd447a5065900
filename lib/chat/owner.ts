/**
 * Owner keys: who a message belongs to, for nonce dedupe (and ownership).
 * Every kind of owner has its own prefix, so a name one kind may choose can
 * never equal the key of another kind: guests with a `clientId` are
 * `g:<clientId>`, connections without one `c:<random id>`; accounts and
 * tokens use `a:` and `t:`.
 */

/** The owner key of a guest: its `clientId`, or else its connection's random id. */
export function guestKey(
  options: { clientId?: string; connection: string },
): string {
  return options.clientId !== undefined
    ? `g:${options.clientId}`
    : `c:${options.connection}`;
}
