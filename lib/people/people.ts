/** The people of one server and "who is this request"; their HTTP routes are lib/http/auth.ts. */
import { type Clock, systemClock } from "../clock.ts";
import type { Logger } from "../log.ts";
import type { AccountStore } from "./accounts.ts";
import { accountKey, type Identity, tokenKey } from "./identity.ts";
import { Sessions } from "./sessions.ts";
import { lookAlikeKey } from "./skeleton.ts";
import { Throttle } from "./throttle.ts";
import { type TokenKeys, type TokenResult, verifyToken } from "./tokens.ts";

/** `CHAT_ACCOUNTS`: all three kinds of people, accounts and tokens only, or guests only. */
export type AccountsMode = "optional" | "required" | "off";

/** What a request carries of who sends it (read by lib/http/session_cookie.ts). */
export interface Credentials {
  /** The `?token=` of an embedding site. */
  token?: string;
  /** The session id of the session cookie. */
  session?: string;
}

/** Options of {@linkcode People}. */
export interface PeopleOptions {
  accounts: AccountStore;
  log: Logger;
  mode?: AccountsMode;
  /** Canonical account names that moderate every room. */
  admins?: string[];
  /** Keys of embedding sites' tokens (`loadTokenKeys`); no tokens when absent. */
  tokenKeys?: TokenKeys;
  /** Sessions, sign-in limits and account dates; the real clock by default. */
  clock?: Clock;
}

/** The people of one server: its accounts, their sessions, and the limits on signing in. */
export class People {
  readonly mode: AccountsMode;
  readonly admins: ReadonlySet<string>;
  readonly accounts: AccountStore;
  readonly sessions: Sessions;
  /** Limits on sign-ins, sign-ups and passkey ceremonies. */
  readonly throttle: Throttle;
  readonly log: Logger;
  readonly clock: Clock;
  #tokenKeys: TokenKeys;

  /** Wires the account store and the settings. */
  constructor(options: PeopleOptions) {
    this.accounts = options.accounts;
    this.clock = options.clock ?? systemClock;
    this.mode = options.mode ?? "optional";
    this.admins = new Set(options.admins ?? []);
    this.sessions = new Sessions(options.accounts, this.clock);
    this.throttle = new Throttle(options.accounts, this.clock);
    this.log = options.log;
    this.#tokenKeys = options.tokenKeys ?? { keys: [] };
  }

  /** Checks an embedding site's token for `room`; logs why one was refused, never the token. */
  async verifyToken(token: string, room: string): Promise<TokenResult> {
    if (this.mode === "off") return { ok: false, reason: "accounts off" };
    const result = await verifyToken(token, { keys: this.#tokenKeys, room });
    if (!result.ok) {
      this.log("info", "token_refused", { room, reason: result.reason });
    }
    return result;
  }

  /**
   * Who a request speaks for in `room`: the bearer of a valid token (with
   * the rooms it names), else the account of the session, else null.
   */
  async whoIs(
    sent: Credentials,
    room?: string,
  ): Promise<(Identity & { rooms?: readonly string[] }) | null> {
    const { token } = sent;
    if (token && room !== undefined && this.mode !== "off") {
      const result = await this.verifyToken(token, room);
      if (result.ok) {
        return {
          kind: "token",
          username: result.claims.name,
          key: tokenKey(result.claims.sub),
          rooms: result.claims.rooms,
        };
      }
    }
    return await this.identify(sent.session);
  }

  /** The signed-in account of session id `id` (from the session cookie), or null. */
  async identify(id: string | undefined): Promise<Identity | null> {
    if (this.mode === "off") return null;
    if (!id) return null;
    const live = await this.sessions.resolve(id);
    if (!live) return null;
    return {
      kind: "account",
      username: live.record.username,
      key: accountKey(live.record.canonical),
      session: live.key,
    };
  }

  /**
   * Canonical name of the account that owns `username` or a name that looks
   * like it, or null: one store read (names with the same canonical form
   * share their look-alike key).
   */
  async ownerOf(username: string): Promise<string | null> {
    if (this.mode === "off") return null;
    return await this.accounts.ownerOfLookAlike(lookAlikeKey(username));
  }
}
