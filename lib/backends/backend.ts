/** What every backend opens: the store, fan-out, presence, accounts and rooms. */
import type { Fanout } from "../chat/fanout.ts";
import { type Clock, systemClock } from "../clock.ts";
import type { Presence } from "../chat/presence.ts";
import type { AccountStore } from "../people/accounts.ts";
import { toPeople } from "../people/roster.ts";
import type { RoomStore } from "../rooms/room_store.ts";
import type { MessageStore } from "../store/store.ts";

/** The store, fan-out, presence and accounts a configuration asks for. */
export interface Backend {
  store: MessageStore;
  fanout: Fanout;
  presence: Presence;
  accounts: AccountStore;
  /** Rooms with access: settings, members, invites, bans, mutes, audit. */
  rooms: RoomStore;
}

/** What {@linkcode announceLeft} tells a room through. */
export interface LeftOptions {
  presence: Presence;
  fanout: Fanout;
  /** Stamps the `left` events; the real clock by default. */
  clock?: Clock;
}

/** Tells a room that the people of a vanished server left. */
export async function announceLeft(
  room: string,
  options: LeftOptions & { usernames: string[] },
): Promise<void> {
  const clock = options.clock ?? systemClock;
  const roster = await options.presence.roster(room);
  const members = roster.map((person) => person.username);
  const people = toPeople(roster, {});
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

/**
 * Opens a presence shared between servers (`open` gets its `onExpired`) whose
 * vanished servers' people are announced as left ({@linkcode announceLeft});
 * a failed announcement goes to `onError`.
 */
export function announcingPresence<P extends Presence>(
  open: (onExpired: (room: string, usernames: string[]) => void) => P,
  options: Omit<LeftOptions, "presence"> & { onError(error: unknown): void },
): P {
  const presence: P = open((room, usernames) =>
    announceLeft(room, { ...options, usernames, presence }).catch(
      options.onError,
    )
  );
  return presence;
}
