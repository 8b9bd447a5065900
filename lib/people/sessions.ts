/** Server-side sign-in sessions: made at each sign-in, looked up per request, slid forward with use, revoked at sign-out. */
import { type Clock, systemClock } from "../clock.ts";
import type { AccountStore, SessionRecord } from "./accounts.ts";
import {
  newSessionId,
  SESSION_TTL_MS,
  sessionStoreKey,
} from "./session_ids.ts";

/** A session's end is pushed forward at most once per this long (one store write an hour, not one per request). */
export const SESSION_TOUCH_INTERVAL_MS = 60 * 60_000;

/** A live session and whether its end was just pushed forward (so the cookie should be sent again). */
export interface LiveSession {
  record: SessionRecord;
  touched: boolean;
  /** The session's store key (a hash of its id): safe to name it to other servers. */
  key: string;
}

/**
 * Sessions over an {@linkcode AccountStore}. Validity is never cached: each
 * lookup asks the store, so a sign-out on one server holds on every server
 * of the same store at once. A request or an upgrade costs one read.
 */
export class Sessions {
  #store: AccountStore;
  #clock: Clock;

  /** Keeps sessions in `store`; `clock` dates them. */
  constructor(store: AccountStore, clock: Clock = systemClock) {
    this.#store = store;
    this.#clock = clock;
  }

  /** Starts a session for an account; returns the id for the cookie. */
  async start(
    account: { canonical: string; username: string },
  ): Promise<string> {
    const id = newSessionId();
    await this.#store.putSession(await sessionStoreKey(id), {
      canonical: account.canonical,
      username: account.username,
      expiresAt: this.#clock.now() + SESSION_TTL_MS,
    });
    return id;
  }

  /** The live session of a cookie's id, its end slid forward when due; null when unknown, revoked or expired. */
  async resolve(id: string): Promise<LiveSession | null> {
    const key = await sessionStoreKey(id);
    const record = await this.#store.session(key);
    if (!record) return null;
    const now = this.#clock.now();
    if (record.expiresAt - now > SESSION_TTL_MS - SESSION_TOUCH_INTERVAL_MS) {
      return { record, touched: false, key };
    }
    const extended = { ...record, expiresAt: now + SESSION_TTL_MS };
    await this.#store.putSession(key, extended);
    return { record: extended, touched: true, key };
  }

  /** Revokes a session everywhere; returns its store key. */
  async end(id: string): Promise<string> {
    const key = await sessionStoreKey(id);
    await this.#store.dropSession(key);
    return key;
  }
}
