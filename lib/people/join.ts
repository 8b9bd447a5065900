/** Who a `join` makes its socket: an account (cookie), a token user, or a guest; and the name it holds. */
import { guestKey } from "../chat/owner.ts";
import { canonicalName, parseUsername } from "../protocol/names.ts";
import type { Identity } from "./identity.ts";
import { tokenKey } from "./identity.ts";
import type { People } from "./people.ts";

/** What a `join` frame says about who it is. */
export interface JoinClaim {
  username?: string;
  token?: string;
  clientId?: string;
}

/** What the upgrade request said: the account of its cookie, the `?token=` of its URL. */
export interface Arrival {
  /** Resolved at the upgrade (cookie or `?token=`); null for nobody. */
  identity?: Identity | null;
  urlToken?: string;
  /** Random per connection: a guest's key without `clientId`. */
  connection: string;
}

/** The outcome: who joins under which name, or the error to answer with. */
export type JoinDecision =
  | {
    ok: true;
    identity: Identity & { rooms?: readonly string[] };
    canonical: string;
  }
  | {
    ok: false;
    code: "unauthorized" | "invalid_username" | "name_taken" | "bad_frame";
    message: string;
  };

const TAKEN = {
  ok: false,
  code: "name_taken",
  message: "That name belongs to an account; pick another.",
} as const;

function sameName(
  given: string | undefined,
  own: string,
): JoinDecision | undefined {
  if (given === undefined) return undefined;
  const parsed = parseUsername(given);
  if (parsed.ok && parsed.canonical === canonicalName(own)) return undefined;
  return {
    ok: false,
    code: "invalid_username",
    message:
      `You are signed in as ${own}; join under that name or leave it out.`,
  };
}

/**
 * Decides a `join`: a token (in the frame or the URL, the same one if both)
 * makes a token user, else a signed-in cookie an account, else a guest. A
 * name an account owns (or one that looks like it) is refused to the others.
 */
export async function decideJoin(
  claim: JoinClaim,
  options: { people: People; room: string; arrival: Arrival },
): Promise<JoinDecision> {
  const { people, room, arrival } = options;
  if (
    claim.token !== undefined && arrival.urlToken !== undefined &&
    claim.token !== arrival.urlToken
  ) {
    return {
      ok: false,
      code: "unauthorized",
      message: "The token in the join and in the URL differ.",
    };
  }
  const token = people.mode === "off"
    ? undefined
    : claim.token ?? arrival.urlToken;
  if (token !== undefined) {
    const verdict = await people.verifyToken(token, room);
    if (!verdict.ok) {
      return {
        ok: false,
        code: "unauthorized",
        message:
          "The token is not valid here (malformed, expired, badly signed, or for another room).",
      };
    }
    const { sub, name, rooms } = verdict.claims;
    const mismatch = sameName(claim.username, name);
    if (mismatch) return mismatch;
    if (await people.ownerOf(name)) return TAKEN;
    return {
      ok: true,
      identity: { kind: "token", username: name, key: tokenKey(sub), rooms },
      canonical: canonicalName(name),
    };
  }
  const account = arrival.identity?.kind === "account"
    ? arrival.identity
    : null;
  if (account) {
    const mismatch = sameName(claim.username, account.username);
    if (mismatch) return mismatch;
    return {
      ok: true,
      identity: account,
      canonical: canonicalName(account.username),
    };
  }
  if (people.mode === "required") {
    return {
      ok: false,
      code: "unauthorized",
      message: "Sign in to join: this server has no guests.",
    };
  }
  if (claim.username === undefined) {
    return {
      ok: false,
      code: "bad_frame",
      message: '"join" needs a "username" string.',
    };
  }
  const name = parseUsername(claim.username);
  if (!name.ok) {
    return { ok: false, code: "invalid_username", message: name.reason };
  }
  if (await people.ownerOf(name.name)) return TAKEN;
  return {
    ok: true,
    identity: {
      kind: "guest",
      username: name.name,
      key: guestKey({
        clientId: claim.clientId,
        connection: arrival.connection,
      }),
    },
    canonical: name.canonical,
  };
}
