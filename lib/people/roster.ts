/** The `people` list of a room: who is online, of which kind, in which role. */
import type { PersonView } from "../protocol/events.ts";
import { canonicalName } from "../protocol/names.ts";
import type { RosterEntry } from "../chat/presence.ts";
import { kindOfKey } from "./identity.ts";

/** What decides roles in one room: its owner and moderators (account names) and the server's admins. */
export interface Roles {
  owner?: string | null;
  moderators?: readonly string[];
  admins?: ReadonlySet<string> | readonly string[];
}

/** The role of a person with ownership key `key` in a room. */
export function roleOf(
  key: string | undefined,
  roles: Roles,
): PersonView["role"] {
  if (!key?.startsWith("a:")) return "member";
  const account = key.slice(2);
  if (roles.owner && canonicalName(roles.owner) === account) return "owner";
  if (roles.moderators?.some((m) => canonicalName(m) === account)) {
    return "moderator";
  }
  const admins = roles.admins;
  if (
    admins &&
    (Array.isArray(admins)
      ? admins.includes(account)
      : (admins as ReadonlySet<string>).has(account))
  ) {
    return "moderator";
  }
  return "member";
}

/**
 * Views of people whose role no room setting can change (guests and token
 * users are members everywhere), one per lasting roster entry: a room's
 * every join lists everyone, and their views need not be made again each
 * time. Only frozen entries are remembered (a presence that keeps an entry
 * for the person's whole stay freezes it); entries read afresh each time
 * (Redis, KV) would only fill the map with keys about to die.
 */
const memberViews = new WeakMap<RosterEntry, PersonView>();

/** The people of a roster, same order, each with kind and role (views shared between calls: read, never change them). */
export function toPeople(
  roster: readonly RosterEntry[],
  roles: Roles,
): PersonView[] {
  return roster.map((entry) => {
    if (entry.key?.startsWith("a:")) {
      return {
        username: entry.username,
        kind: "account",
        role: roleOf(entry.key, roles),
      };
    }
    const lasting = Object.isFrozen(entry);
    let view = lasting ? memberViews.get(entry) : undefined;
    if (!view) {
      view = {
        username: entry.username,
        kind: kindOfKey(entry.key),
        role: "member",
      };
      if (lasting) memberViews.set(entry, Object.freeze(view));
    }
    return view;
  });
}
