/** What every backend opens: the store, fan-out, presence, accounts and rooms. */
import type { Fanout } from "../chat/fanout.ts";
import { announceLeft, type LeftOptions } from "../chat/left.ts";
import type { Presence } from "../chat/presence.ts";
import type { AccountStore } from "../people/accounts.ts";
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

/**
 * Opens a presence shared between servers (`open` gets its `onExpired`) whose
 * vanished servers' people are announced as left ({@linkcode announceLeft});
 * a failed announcement goes to `onError`.
 */
export function announcingPresence<P extends Presence>(
  open: (onExpired: (room: string, usernames: string[]) => void) => P,
  options: Omit<LeftOptions, "presence" | "roles"> & {
    onError(error: unknown): void;
  },
): P {
  const presence: P = open((room, usernames) =>
    announceLeft(room, { ...options, usernames, presence }).catch(
      options.onError,
    )
  );
  return presence;
}
