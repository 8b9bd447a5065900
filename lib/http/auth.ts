/** Accounts over HTTP: sign-up, sign-in, sign-out, me, and the passkey ceremonies. */
import type { Clock } from "../clock.ts";
import type { Logger } from "../log.ts";
import type { AccountStore } from "../people/accounts.ts";
import { encodeBase64Url } from "../people/base64url.ts";
import {
  HashesBusy,
  hashPassword,
  passwordProblem,
  verifyNothing,
  verifyPassword,
} from "../people/passwords.ts";
import type { AccountsMode, People } from "../people/people.ts";
import { lookAlikeKey } from "../people/skeleton.ts";
import type { Throttle } from "../people/throttle.ts";
import { canonicalName, parseUsername } from "../protocol/names.ts";
import { readJson, type SignedInOptions, tooMany } from "./auth_body.ts";
import { peerAddress, requestAddress } from "./client_address.ts";
import { json, NO_STORE } from "./json.ts";
import { clearedCookie, sessionCookie, sessionIdOf } from "./session_cookie.ts";
import { type PasskeyPeople, Passkeys } from "./passkeys.ts";

/** Options of {@linkcode Auth}. */
export interface AuthOptions {
  /** Proxies whose `X-Forwarded-For` / `X-Forwarded-Proto` are believed. */
  trustedProxies?: readonly string[];
  /** Told the store key of a session ended by sign-out, once it is revoked. */
  onSignedOut?(session: string): void;
}

/** The `{"username","password"}` body of a sign-up or sign-in, or the 400 answer. */
async function usernameAndPassword(
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
    }, { status: 400 });
  }
  return { username: body.username, password: body.password };
}

/** The `/api/auth/…` routes over the server's {@linkcode People}. */
export class Auth implements PasskeyPeople {
  /** The people the routes sign up, in and out. */
  readonly people: People;
  /** The `/api/auth/passkey/…` routes. */
  readonly passkeys: Passkeys;
  #trustedProxies: readonly string[];
  #onSignedOut: (session: string) => void;

  /** Serves `people` over HTTP. */
  constructor(people: People, options: AuthOptions = {}) {
    this.people = people;
    this.#trustedProxies = options.trustedProxies ?? [];
    this.#onSignedOut = options.onSignedOut ?? (() => {});
    this.passkeys = new Passkeys(this);
  }

  /** `CHAT_ACCOUNTS` of the people. */
  get mode(): AccountsMode {
    return this.people.mode;
  }

  /** The account store of the people. */
  get accounts(): AccountStore {
    return this.people.accounts;
  }

  /** Limits on sign-ins, sign-ups and passkey ceremonies. */
  get throttle(): Throttle {
    return this.people.throttle;
  }

  /** The people's log. */
  get log(): Logger {
    return this.people.log;
  }

  /** The people's clock. */
  get clock(): Clock {
    return this.people.clock;
  }

  /** {@linkcode People.ownerOf}. */
  ownerOf(username: string): Promise<string | null> {
    return this.people.ownerOf(username);
  }

  /** `POST /api/auth/signup`. */
  async signup(req: Request, info: Deno.ServeHandlerInfo): Promise<Response> {
    if (this.mode === "off") {
      return json({ error: "not_found" }, { status: 404 });
    }
    const body = await usernameAndPassword(req);
    if (body instanceof Response) return body;
    const name = parseUsername(body.username);
    if (!name.ok) {
      return json({ error: "invalid_username", message: name.reason }, {
        status: 400,
      });
    }
    const weak = passwordProblem(body.password);
    if (weak) {
      return json({ error: "weak_password", message: weak }, { status: 400 });
    }
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
    if (this.mode === "off") {
      return json({ error: "not_found" }, { status: 404 });
    }
    const body = await usernameAndPassword(req);
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
      return json({ error: "bad_credentials" }, { status: 401 });
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
    if (this.mode === "off") {
      return json({ error: "not_found" }, { status: 404 });
    }
    const id = sessionIdOf(req);
    if (id) this.#onSignedOut(await this.people.sessions.end(id));
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
    if (this.mode === "off") {
      return json({ error: "not_found" }, { status: 404 });
    }
    const id = sessionIdOf(req);
    const live = id ? await this.people.sessions.resolve(id) : null;
    if (!id || !live) return json({ error: "unauthorized" }, { status: 401 });
    const headers: Record<string, string> = live.touched
      ? { "set-cookie": sessionCookie(id, { secure: this.isHttps(req, info) }) }
      : {};
    return json({ username: live.record.username, kind: "account" }, {
      status: 200,
      headers: headers,
    });
  }

  /**
   * Logs a sign-up (answered 201) or sign-in (200), starts a new session (a
   * fresh id at every sign-in) and answers with its cookie.
   */
  async signedIn(req: Request, options: SignedInOptions): Promise<Response> {
    const { canonical, username } = options.account;
    this.log("info", options.event, { username, method: options.method });
    const old = sessionIdOf(req);
    if (old) await this.people.sessions.end(old);
    const id = await this.people.sessions.start({ canonical, username });
    return json({ username }, {
      status: options.event === "signup" ? 201 : 200,
      headers: {
        "set-cookie": sessionCookie(id, {
          secure: this.isHttps(req, options.info),
        }),
      },
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
    return requestAddress(req, {
      info,
      state: { trustedProxies: this.#trustedProxies },
    });
  }

  /** `409 name_taken`. */
  taken(): Response {
    return json({
      error: "name_taken",
      message: "That name, or one that looks the same, is taken.",
    }, { status: 409 });
  }

  /** `503` when too many password hashes wait; rethrows anything else. */
  busy(error: unknown): Response {
    if (!(error instanceof HashesBusy)) throw error;
    return json({ error: "busy" }, {
      status: 503,
      headers: { "retry-after": "1" },
    });
  }
}
