/** Accounts over HTTP (sign-up, sign-in, sign-out, me) and "who is this request". */
import { clientAddress, peerAddress } from "../http/client_address.ts";
import { type Clock, systemClock } from "../clock.ts";
import { canonicalName, parseUsername } from "../protocol/names.ts";
import type { Logger } from "../log.ts";
import type { AccountStore } from "./accounts.ts";
import { encodeBase64Url } from "./base64url.ts";
import { clearedCookie, sessionCookie, sessionIdOf } from "./cookies.ts";
import { accountKey, type Identity, tokenKey } from "./identity.ts";
import {
  HashesBusy,
  hashPassword,
  passwordProblem,
  verifyNothing,
  verifyPassword,
} from "./passwords.ts";
import { Passkeys } from "./passkeys.ts";
import { Sessions } from "./sessions.ts";
import { lookAlikeKey } from "./skeleton.ts";
import { json, NO_STORE } from "../http/json.ts";
import { readJson, type SignedInOptions, tooMany } from "./http.ts";
import { Throttle } from "./throttle.ts";
import { type TokenKeys, type TokenResult, verifyToken } from "./tokens.ts";

/** `CHAT_ACCOUNTS`: all three kinds of people, accounts and tokens only, or guests only. */
export type AccountsMode = "optional" | "required" | "off";

/** Options of {@linkcode People}. */
export interface PeopleOptions {
  accounts: AccountStore;
  log: Logger;
  mode?: AccountsMode;
  /** Canonical account names that moderate every room. */
  admins?: string[];
  /** Proxies whose `X-Forwarded-For` / `X-Forwarded-Proto` are believed. */
  trustedProxies?: string[];
  /** Keys of embedding sites' tokens (`loadTokenKeys`); no tokens when absent. */
  tokenKeys?: TokenKeys;
  /** Told the store key of a session ended by sign-out, once it is revoked. */
  onSignedOut?(session: string): void;
  /** Sessions, sign-in limits and account dates; the real clock by default. */
  clock?: Clock;
}

/** The `{"username","password"}` body of a sign-up or sign-in, or the 400 answer. */
async function credentialsOf(
  req: Request,
): Promise<{ username: string; password: string } | Response> {
  const body = await readJson(req);
  if (
    !body || typeof body.username !== "string" ||
    typeof body.password !== "string"
  ) {
    return json({
      error: "bad_request",
      message: "Send a username and a password.",
    }, 400);
  }
  return { username: body.username, password: body.password };
}

/** The people of one server: its accounts, their sessions, and the limits on signing in. */
export class People {
  readonly mode: AccountsMode;
  readonly admins: ReadonlySet<string>;
  readonly accounts: AccountStore;
  readonly sessions: Sessions;
  /** The `/api/auth/passkey/…` routes. */
  readonly passkeys: Passkeys;
  /** Limits on sign-ins, sign-ups and passkey ceremonies. */
  readonly throttle: Throttle;
  readonly log: Logger;
  readonly clock: Clock;
  #trustedProxies: string[];
  #tokenKeys: TokenKeys;
  #onSignedOut: (session: string) => void;

  /** Wires the account store and the settings. */
  constructor(options: PeopleOptions) {
    this.accounts = options.accounts;
    this.clock = options.clock ?? systemClock;
    this.mode = options.mode ?? "optional";
    this.admins = new Set(options.admins ?? []);
    this.sessions = new Sessions(options.accounts, this.clock);
    this.passkeys = new Passkeys(this);
    this.throttle = new Throttle(options.accounts, this.clock);
    this.log = options.log;
    this.#trustedProxies = options.trustedProxies ?? [];
    this.#tokenKeys = options.tokenKeys ?? { keys: [] };
    this.#onSignedOut = options.onSignedOut ?? (() => {});
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
   * Who a request speaks for in `room`: the bearer of a valid `?token=`
   * (with the rooms it names), else the signed-in account, else null.
   */
  async whoIs(
    req: Request,
    room?: string,
  ): Promise<(Identity & { rooms?: readonly string[] }) | null> {
    const token = new URL(req.url).searchParams.get("token");
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
    return await this.identify(req);
  }

  /** The signed-in account of a request (its session cookie), or null. */
  async identify(req: Request): Promise<Identity | null> {
    if (this.mode === "off") return null;
    const id = sessionIdOf(req);
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

  /** `POST /api/auth/signup`. */
  async signup(req: Request, info: Deno.ServeHandlerInfo): Promise<Response> {
    if (this.mode === "off") return json({ error: "not_found" }, 404);
    const body = await credentialsOf(req);
    if (body instanceof Response) return body;
    const name = parseUsername(body.username);
    if (!name.ok) {
      return json({ error: "invalid_username", message: name.reason }, 400);
    }
    const weak = passwordProblem(body.password);
    if (weak) return json({ error: "weak_password", message: weak }, 400);
    const address = this.address(req, info);
    const verdict = await this.throttle.signup(address);
    if (!verdict.ok) return tooMany(verdict);
    if (await this.ownerOf(name.name)) return this.taken();
    let passwordHash: string;
    try {
      passwordHash = await hashPassword(body.password);
    } catch (error) {
      return this.busy(error);
    }
    const created = await this.accounts.create({
      username: name.name,
      canonical: name.canonical,
      lookAlike: lookAlikeKey(name.name),
      passwordHash,
      userHandle: encodeBase64Url(crypto.getRandomValues(new Uint8Array(32))),
      createdAt: this.clock.now(),
    });
    if (!created) return this.taken();
    return await this.signedIn(req, {
      info,
      account: { canonical: name.canonical, username: name.name },
      event: "signup",
      method: "password",
    });
  }

  /** `POST /api/auth/login`: the same answer, after the same work, for an unknown name and a wrong password. */
  async login(req: Request, info: Deno.ServeHandlerInfo): Promise<Response> {
    if (this.mode === "off") return json({ error: "not_found" }, 404);
    const body = await credentialsOf(req);
    if (body instanceof Response) return body;
    const password = body.password.slice(0, 1024);
    const canonical = canonicalName(body.username.trim()).slice(0, 64);
    const address = this.address(req, info);
    const verdict = await this.throttle.attempt(canonical, address);
    if (!verdict.ok) {
      this.log("warn", "login_throttled", { address });
      return tooMany(verdict);
    }
    const account = await this.accounts.get(canonical);
    let ok: boolean;
    try {
      ok = account?.passwordHash
        ? await verifyPassword(password, account.passwordHash)
        : await verifyNothing(password);
    } catch (error) {
      return this.busy(error);
    }
    if (!ok || !account) {
      await this.throttle.failed(address);
      this.log("info", "login_failed", { address });
      return json({ error: "bad_credentials" }, 401);
    }
    await this.throttle.succeeded(canonical);
    return await this.signedIn(req, {
      info,
      account,
      event: "login",
      method: "password",
    });
  }

  /** `POST /api/auth/logout`: revokes the session on every server and clears the cookie. */
  async logout(req: Request, info: Deno.ServeHandlerInfo): Promise<Response> {
    if (this.mode === "off") return json({ error: "not_found" }, 404);
    const id = sessionIdOf(req);
    if (id) this.#onSignedOut(await this.sessions.end(id));
    return new Response(null, {
      status: 204,
      headers: {
        ...NO_STORE,
        "set-cookie": clearedCookie({ secure: this.isHttps(req, info) }),
      },
    });
  }

  /** `GET /api/auth/me`. */
  async me(req: Request, info: Deno.ServeHandlerInfo): Promise<Response> {
    if (this.mode === "off") return json({ error: "not_found" }, 404);
    const id = sessionIdOf(req);
    const live = id ? await this.sessions.resolve(id) : null;
    if (!id || !live) return json({ error: "unauthorized" }, 401);
    const headers: Record<string, string> = live.touched
      ? { "set-cookie": sessionCookie(id, { secure: this.isHttps(req, info) }) }
      : {};
    return json(
      { username: live.record.username, kind: "account" },
      200,
      headers,
    );
  }

  /**
   * Logs a sign-up (answered 201) or sign-in (200), starts a new session (a
   * fresh id at every sign-in) and answers with its cookie.
   */
  async signedIn(req: Request, options: SignedInOptions): Promise<Response> {
    const { canonical, username } = options.account;
    this.log("info", options.event, { username, method: options.method });
    const old = sessionIdOf(req);
    if (old) await this.sessions.end(old);
    const id = await this.sessions.start({ canonical, username });
    return json({ username }, options.event === "signup" ? 201 : 200, {
      "set-cookie": sessionCookie(id, {
        secure: this.isHttps(req, options.info),
      }),
    });
  }

  /** True when the page was served over https (directly, or as a trusted proxy says). */
  isHttps(req: Request, info: Deno.ServeHandlerInfo): boolean {
    if (new URL(req.url).protocol === "https:") return true;
    return this.#trustedProxies.includes(peerAddress(info)) &&
      req.headers.get("x-forwarded-proto")?.split(",")[0].trim() === "https";
  }

  /** The client's address (the peer's, or what a trusted proxy says). */
  address(req: Request, info: Deno.ServeHandlerInfo): string {
    return clientAddress(req, {
      peer: peerAddress(info),
      trustedProxies: this.#trustedProxies,
    });
  }

  /** `409 name_taken`. */
  taken(): Response {
    return json({
      error: "name_taken",
      message: "That name, or one that looks the same, is taken.",
    }, 409);
  }

  /** `503` when too many password hashes wait; rethrows anything else. */
  busy(error: unknown): Response {
    if (!(error instanceof HashesBusy)) throw error;
    return json({ error: "busy" }, 503, { "retry-after": "1" });
  }
}
