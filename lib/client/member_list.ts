/** The room's member list as a client keeps it: a coalesced `presence` event's changes applied to it. */
import type { PersonView, PresenceEvent } from "../protocol/events.ts";
import { compareNames, sortNames } from "../protocol/names.ts";

/** A member list and its people, both sorted as the protocol sorts `members`. */
export interface MemberList {
  members: readonly string[];
  people: readonly PersonView[];
}

/**
 * The list after a `presence` event: its whole list when it carries
 * `members`, else `list` with `left` taken off and `joined` and the entries
 * of `people` put in (an entry replacing the one of the same name).
 */
export function applyPresenceList(
  list: MemberList,
  event: Pick<PresenceEvent, "joined" | "left" | "members" | "people">,
): MemberList {
  if (Array.isArray(event.members)) {
    return {
      members: event.members,
      people: Array.isArray(event.people) ? event.people : list.people,
    };
  }
  const left = new Set(Array.isArray(event.left) ? event.left : []);
  const joined = Array.isArray(event.joined) ? event.joined : [];
  const entries = Array.isArray(event.people) ? event.people : [];
  if (left.size === 0 && joined.length === 0 && entries.length === 0) {
    return list;
  }
  const replaced = new Set(entries.map((person) => person.username));
  const names = new Set(list.members.filter((name) => !left.has(name)));
  for (const name of joined) names.add(name);
  for (const name of replaced) names.add(name);
  const people = list.people
    .filter((p) => !left.has(p.username) && !replaced.has(p.username))
    .concat(entries)
    .sort((a, b) => compareNames(a.username, b.username));
  return { members: sortNames(names), people };
}
