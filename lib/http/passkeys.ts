/** Passkeys (WebAuthn) with @simplewebauthn/server: create an account with a passkey alone, and sign in with one. */
import {
  type AuthenticationResponseJSON,
  generateAuthenticationOptions,
  generateRegistrationOptions,
  type RegistrationResponseJSON,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from "@simplewebauthn/server";
import { parseUsername } from "../protocol/names.ts";
import { decodeBase64Url, encodeBase64Url } from "../people/base64url.ts";
import { json } from "./json.ts";
import { readJson, type SignedInOptions, tooMany } from "./auth_body.ts";
import type { Logger } from "../log.ts";
import type { AccountStore } from "../people/accounts.ts";
import { lookAlikeKey } from "../people/skeleton.ts";
import type { Throttle } from "../people/throttle.ts";
import type { Clock } from "../clock.ts";

/** How long a ceremony's challenge waits for its answer. */
export const CHALLENGE_TTL_MS = 5 * 60_000;
/** Largest body of a passkey route (an attestation may carry a certificate chain). */
export const MAX_PASSKEY_BODY_BYTES = 16_384;
/** Ceremonies one address may start per window. */
export const CEREMONY_LIMIT = 60;
/** The window of {@linkcode CEREMONY_LIMIT}: 15 minutes. */
export const CEREMONY_WINDOW_MS = 15 * 60_000;

/** What the server keeps between a ceremony's options and its answer. */
interface Ceremony {
  purpose: "register" | "login";
  challenge: string;
  origin: string;
  rpID: string;
  username?: string;
  userHandle?: string;
}

const RP_NAME = "Chat";

/** The server's own origin and RP ID for a browser request; undefined when its `Origin` is not the server's own. */
function relyingParty(
  req: Request,
  options: { https: boolean },
): { origin: string; rpID: string } | undefined {
  const host = req.headers.get("host");
  const origin = req.headers.get("origin");
  if (!host || origin !== `${options.https ? "https" : "http"}://${host}`) {
    return undefined;
  }
  return { origin, rpID: new URL(origin).hostname };
}

/** What the passkey routes use of the server's people (`Auth` in auth.ts). */
export interface PasskeyPeople {
  readonly mode: "optional" | "required" | "off";
  readonly accounts: AccountStore;
  readonly throttle: Throttle;
  readonly log: Logger;
  /** Dates new accounts and passkeys. */
  readonly clock: Clock;
  ownerOf(username: string): Promise<string | null>;
  taken(): Response;
  signedIn(req: Request, options: SignedInOptions): Promise<Response>;
  isHttps(req: Request, info: Deno.ServeHandlerInfo): boolean;
  address(req: Request, info: Deno.ServeHandlerInfo): string;
}

/** The `/api/auth/passkey/…` routes. */
export class Passkeys {
  #people: PasskeyPeople;

  /** Uses the accounts, sessions and limits of `people`. */
  constructor(people: PasskeyPeople) {
    this.#people = people;
  }

  /** `POST /api/auth/passkey/register/options` `{username}`: options to create a passkey for a new account. */
  async registerOptions(
    req: Request,
    info: Deno.ServeHandlerInfo,
  ): Promise<Response> {
    const start = await this.#start(req, info);
    if (start instanceof Response) return start;
    const body = await readJson(req);
    if (!body || typeof body.username !== "string") {
      return json({ error: "bad_request", message: "Send a username." }, {
        status: 400,
      });
    }
    const name = parseUsername(body.username);
    if (!name.ok) {
      return json({ error: "invalid_username", message: name.reason }, {
        status: 400,
      });
    }
    if (await this.#people.ownerOf(name.name)) return this.#people.taken();
    const userHandle = encodeBase64Url(
      crypto.getRandomValues(new Uint8Array(32)),
    );
    const options = await generateRegistrationOptions({
      rpName: RP_NAME,
      rpID: start.rpID,
      userName: name.name,
      userID: decodeBase64Url(userHandle),
      attestationType: "none",
      authenticatorSelection: {
        residentKey: "required",
        userVerification: "preferred",
      },
    });
    return await this.#offer(options, {
      purpose: "register",
      challenge: options.challenge,
      ...start,
      username: name.name,
      userHandle,
    });
  }

  /** `POST /api/auth/passkey/register/verify` `{ceremony, response}`: creates the account and signs it in (201). */
  async registerVerify(
    req: Request,
    info: Deno.ServeHandlerInfo,
  ): Promise<Response> {
    const answer = await this.#answer(req, info, "register");
    if (answer instanceof Response) return answer;
    const { ceremony, response } = answer;
    let verified;
    try {
      verified = await verifyRegistrationResponse({
        response: response as unknown as RegistrationResponseJSON,
        expectedChallenge: ceremony.challenge,
        expectedOrigin: ceremony.origin,
        expectedRPID: ceremony.rpID,
        requireUserVerification: false,
      });
    } catch {
      return this.#failed(req, info);
    }
    if (!verified.verified) return this.#failed(req, info);
    const verdict = await this.#people.throttle.signup(
      this.#people.address(req, info),
    );
    if (!verdict.ok) return tooMany(verdict);
    const { credential } = verified.registrationInfo;
    const username = ceremony.username!;
    const canonical = parseUsername(username);
    if (!canonical.ok) return this.#failed(req, info);
    const created = await this.#people.accounts.create({
      username,
      canonical: canonical.canonical,
      lookAlike: lookAlikeKey(username),
      userHandle: ceremony.userHandle!,
      createdAt: this.#people.clock.now(),
    }, {
      credential: {
        id: credential.id,
        canonical: canonical.canonical,
        publicKey: encodeBase64Url(credential.publicKey),
        counter: credential.counter,
        transports: credential.transports,
        createdAt: this.#people.clock.now(),
      },
    });
    if (!created) return this.#people.taken();
    return await this.#people.signedIn(req, {
      info,
      account: { canonical: canonical.canonical, username },
      event: "signup",
      method: "passkey",
    });
  }

  /** `POST /api/auth/passkey/login/options`: options to sign in with any passkey of this server. */
  async loginOptions(
    req: Request,
    info: Deno.ServeHandlerInfo,
  ): Promise<Response> {
    const start = await this.#start(req, info);
    if (start instanceof Response) return start;
    await req.body?.cancel();
    const options = await generateAuthenticationOptions({
      rpID: start.rpID,
      userVerification: "preferred",
    });
    return await this.#offer(options, {
      purpose: "login",
      challenge: options.challenge,
      ...start,
    });
  }

  /** `POST /api/auth/passkey/login/verify` `{ceremony, response}`: signs in (200), or the same 401 as a wrong password. */
  async loginVerify(
    req: Request,
    info: Deno.ServeHandlerInfo,
  ): Promise<Response> {
    const answer = await this.#answer(req, info, "login");
    if (answer instanceof Response) return answer;
    const { ceremony, response } = answer;
    const id = typeof response.id === "string" ? response.id : "";
    const stored = await this.#people.accounts.credential(id);
    if (!stored) return this.#failed(req, info);
    let verified;
    try {
      verified = await verifyAuthenticationResponse({
        response: response as unknown as AuthenticationResponseJSON,
        expectedChallenge: ceremony.challenge,
        expectedOrigin: ceremony.origin,
        expectedRPID: ceremony.rpID,
        credential: {
          id: stored.id,
          publicKey: decodeBase64Url(stored.publicKey),
          counter: stored.counter,
        },
        requireUserVerification: false,
      });
    } catch {
      return this.#failed(req, info);
    }
    const account = await this.#people.accounts.get(stored.canonical);
    if (!verified.verified || !account) return this.#failed(req, info);
    await this.#people.accounts.setCounter(
      stored.id,
      verified.authenticationInfo.newCounter,
    );
    return await this.#people.signedIn(req, {
      info,
      account,
      event: "login",
      method: "passkey",
    });
  }

  /** Checks the mode, the origin and the per-address limit before a ceremony starts. */
  async #start(
    req: Request,
    info: Deno.ServeHandlerInfo,
  ): Promise<{ origin: string; rpID: string } | Response> {
    if (this.#people.mode === "off") {
      return json({ error: "not_found" }, { status: 404 });
    }
    const party = relyingParty(req, {
      https: this.#people.isHttps(req, info),
    });
    if (!party) {
      return json({
        error: "bad_request",
        message: "Passkeys work from this server's own pages only.",
      }, { status: 400 });
    }
    const verdict = await this.#people.throttle.take(
      `ceremony:${this.#people.address(req, info)}`,
      { limit: CEREMONY_LIMIT, windowMs: CEREMONY_WINDOW_MS },
    );
    if (!verdict.ok) return tooMany(verdict);
    return party;
  }

  /** Keeps `ceremony` for {@linkcode CHALLENGE_TTL_MS} and answers with its id and the browser's `options`. */
  async #offer(options: unknown, ceremony: Ceremony): Promise<Response> {
    const id = encodeBase64Url(crypto.getRandomValues(new Uint8Array(24)));
    await this.#people.accounts.putChallenge(
      `passkey:${id}`,
      JSON.stringify(ceremony),
      CHALLENGE_TTL_MS,
    );
    return json({ ceremony: id, options }, { status: 200 });
  }

  /** Reads `{ceremony, response}` and takes the ceremony (once); a Response when there is none. */
  async #answer(
    req: Request,
    info: Deno.ServeHandlerInfo,
    purpose: Ceremony["purpose"],
  ): Promise<
    | { ceremony: Ceremony; response: Record<string, unknown> }
    | Response
  > {
    if (this.#people.mode === "off") {
      return json({ error: "not_found" }, { status: 404 });
    }
    const body = await readJson(req, MAX_PASSKEY_BODY_BYTES);
    if (
      !body || typeof body.ceremony !== "string" || body.ceremony.length > 64 ||
      typeof body.response !== "object" || body.response === null
    ) {
      return json({ error: "bad_request" }, { status: 400 });
    }
    const raw = await this.#people.accounts.takeChallenge(
      `passkey:${body.ceremony}`,
    );
    const ceremony = raw ? JSON.parse(raw) as Ceremony : undefined;
    if (!ceremony || ceremony.purpose !== purpose) {
      return json({
        error: "expired",
        message: "That passkey request is over; try again.",
      }, { status: 400 });
    }
    const party = relyingParty(req, {
      https: this.#people.isHttps(req, info),
    });
    if (party?.origin !== ceremony.origin) return this.#failed(req, info);
    return { ceremony, response: body.response as Record<string, unknown> };
  }

  async #failed(req: Request, info: Deno.ServeHandlerInfo): Promise<Response> {
    const address = this.#people.address(req, info);
    await this.#people.throttle.failed(address);
    this.#people.log("info", "passkey_failed", { address });
    return json({ error: "bad_credentials" }, { status: 401 });
  }
}
