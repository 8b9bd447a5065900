/** Who may change which message on a server without room access rules. */

/** What a message change is. */
export type ChangeAction = "edit" | "delete" | "react";

/** The person acting, as the session knows them. */
export interface Actor {
  /** Owner key of what this person sends (`g:`, `c:`, `a:`, `t:`). */
  owner: string;
  username: string;
}

/**
 * True when `actor` may `action` a message (`own` when it is theirs): anyone
 * who speaks may react; only the author edits or deletes. Rooms with access
 * rules decide with their own table (lib/rooms/permissions.ts) instead,
 * which also lets the owner, moderators and admins delete.
 */
export function mayChange(
  _actor: Actor,
  options: { action: ChangeAction; own: boolean },
): boolean {
  return options.action === "react" || options.own;
}
