/** The `left` event: the last connection of a name in a room is gone. */
import { type Clock, systemClock } from "../clock.ts";
import { type Roles, toPeople } from "../people/roster.ts";
import type { Fanout } from "./fanout.ts";
import type { Presence } from "./presence.ts";

/** What {@linkcode announceLeft} tells a room through. */
export interface LeftOptions {
  presence: Presence;
  fanout: Fanout;
  /** The room's roles, read once the roster is; everyone a member when absent. */
  roles?: () => Roles;
  /** Stamps the events; the real clock by default. */
  clock?: Clock;
}

/** Tells `room` that each of `usernames` left, with who stays (presence's roster). */
export async function announceLeft(
  room: string,
  options: LeftOptions & { usernames: readonly string[] },
): Promise<void> {
  const clock = options.clock ?? systemClock;
  const roster = await options.presence.roster(room);
  const members = roster.map((person) => person.username);
  const people = toPeople(roster, options.roles?.() ?? {});
  for (const username of options.usernames) {
    options.fanout.publish(room, {
      type: "left",
      username,
      ts: clock.now(),
      members,
      people,
    });
  }
}
