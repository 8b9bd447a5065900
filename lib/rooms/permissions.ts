/**
 * The one permission table of rooms with access: who may do what in a room.
 * Pure: every entry point (pages, APIs, the WebSocket upgrade, every frame)
 * asks {@linkcode decide} with what it knows about the person and the room.
 */

/** Where a person stands in one room, strongest first. */
export type Standing =
  | "admin"
  | "owner"
  | "moderator"
  | "member"
  | "token"
  | "account"
  | "guest";

/** Every standing, for tables and tests. */
export const STANDINGS: readonly Standing[] = [
  "admin",
  "owner",
  "moderator",
  "member",
  "token",
  "account",
  "guest",
];

/** Everything a person may try in a room. */
export type Action =
  | "page"
  | "history"
  | "search"
  | "metadata"
  | "join"
  | "message"
  | "typing"
  | "edit"
  | "delete"
  | "react"
  | "kick"
  | "ban"
  | "mute"
  | "settings"
  | "invites"
  | "audit"
  | "members"
  | "remove";

/** Every action, for tables and tests. */
export const ACTIONS: readonly Action[] = [
  "page",
  "history",
  "search",
  "metadata",
  "join",
  "message",
  "typing",
  "edit",
  "delete",
  "react",
  "kick",
  "ban",
  "mute",
  "settings",
  "invites",
  "audit",
  "members",
  "remove",
];

/**
 * The answer: `allow`; `hidden` (a private room the person may not know of:
 * 404, nothing said); `forbidden`; `ignored` (dropped without an answer,
 * as typing from a muted person).
 */
export type Decision = "allow" | "hidden" | "forbidden" | "ignored";

/** What the table needs to know about the room and the person in it. */
export interface Situation {
  standing: Standing;
  visibility: "public" | "private";
  /** May guests join (the room's `guests` setting). */
  guests: boolean;
  banned?: boolean;
  muted?: boolean;
  /** For `edit` and `delete`: the message is the person's own. */
  own?: boolean;
}

const MODERATING: ReadonlySet<Standing> = new Set([
  "admin",
  "owner",
  "moderator",
]);

const INSIDE: ReadonlySet<Standing> = new Set([
  "admin",
  "owner",
  "moderator",
  "member",
  "token",
]);

/** True for the owner, moderators and admins. */
export function isModerating(standing: Standing): boolean {
  return MODERATING.has(standing);
}

/** The owner and admins: no ban or mute holds them. */
function aboveBans(standing: Standing): boolean {
  return standing === "owner" || standing === "admin";
}

/** True when the person belongs to the room (may see it while private). */
export function isInside(standing: Standing): boolean {
  return INSIDE.has(standing);
}

/** Decides one action; see the table in docs/protocol.md ("Who may do what"). */
export function decide(action: Action, situation: Situation): Decision {
  const { standing } = situation;
  if (situation.visibility === "private" && !isInside(standing)) {
    return "hidden";
  }
  if (
    situation.visibility === "private" && situation.banned &&
    !aboveBans(standing)
  ) return "hidden";
  switch (action) {
    case "page":
    case "history":
    case "search":
    case "metadata":
    case "members":
      return "allow";
    case "join":
      if (situation.banned && !aboveBans(standing)) return "forbidden";
      if (standing === "guest" && !situation.guests) return "forbidden";
      return "allow";
    case "message":
    case "react":
    case "typing":
    case "edit": {
      const speaking = decide("join", situation);
      if (speaking !== "allow") return speaking;
      if (situation.muted && !aboveBans(standing)) {
        return action === "typing" ? "ignored" : "forbidden";
      }
      if (action === "edit" && !situation.own) return "forbidden";
      return "allow";
    }
    case "delete":
      if (isModerating(standing)) return "allow";
      if (decide("join", situation) !== "allow") return "forbidden";
      return situation.own ? "allow" : "forbidden";
    case "kick":
    case "ban":
    case "mute":
    case "invites":
    case "audit":
    case "remove":
      return isModerating(standing) ? "allow" : "forbidden";
    case "settings":
      return standing === "owner" ? "allow" : "forbidden";
  }
}

/**
 * May `actor` kick, ban or mute `target`: never the owner; a moderator or an
 * admin only by the owner or an admin. (Whether the actor moderates at all
 * is {@linkcode decide}'s answer.)
 */
export function mayModerate(actor: Standing, target: Standing): boolean {
  if (!isModerating(actor)) return false;
  if (target === "owner") return false;
  if (target === "moderator" || target === "admin") {
    return actor === "owner" || actor === "admin";
  }
  return true;
}

/** What the person's standing and identity come from. */
export interface StandingInput {
  /** Kind of person (`guest`, `account`, `token`). */
  kind: "guest" | "account" | "token";
  /** Canonical account name, for accounts. */
  account?: string;
  /** For tokens: the rooms the token names (canonical). */
  tokenRooms?: readonly string[];
  /** The room (canonical). */
  room: string;
  /** Canonical account name of the owner, if any. */
  owner: string | null;
  /** Canonical account names of the moderators. */
  moderators: readonly string[];
  /** Canonical account names of the server's admins. */
  admins: readonly string[];
  /** The person holds a membership of the room (invite, added by the owner). */
  member: boolean;
}

/** Works out a person's {@linkcode Standing} in a room. */
export function standingOf(input: StandingInput): Standing {
  if (input.kind === "account" && input.account !== undefined) {
    if (input.admins.includes(input.account)) return "admin";
    if (input.owner === input.account) return "owner";
    if (input.moderators.includes(input.account)) return "moderator";
    return input.member ? "member" : "account";
  }
  if (input.kind === "token") {
    return input.member || input.tokenRooms?.includes(input.room)
      ? "token"
      : "account";
  }
  return input.member ? "member" : "guest";
}

/** The role shown in `people`: `owner`, `moderator` or `member`. */
export function roleOf(standing: Standing): "owner" | "moderator" | "member" {
  if (standing === "owner") return "owner";
  if (standing === "moderator" || standing === "admin") return "moderator";
  return "member";
}
