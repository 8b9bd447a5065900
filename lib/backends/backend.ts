/** What every backend opens: the store, fan-out, presence, accounts and rooms. */
import type { Fanout } from "../chat/fanout.ts";
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

/** Tells a room that the people of a vanished server left. */
export async function announceLeft(
  room: string,
  options: { usernames: string[]; presence: Presence; fanout: Fanout },
): Promise<void> {
  const roster = await options.presence.roster(room);
  const members = roster.map((person) => person.username);
  const people = toPeople(roster, {});
  for (const username of options.usernames) {
    options.fanout.publish(room, {
      type: "left",
      username,
      ts: Date.now(),
      members,
      people,
    });
  }
}
