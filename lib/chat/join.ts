/**
 * A `join`, from the frame to the welcome: who the socket becomes, the join
 * rate limit, the room's gate, the name claimed in presence, the welcome's
 * history and roster, and the `joined` announced. Each step that fails gives
 * back what the steps before it took.
 */
import { systemClock } from "../clock.ts";
import { errorFields } from "../log.ts";
import type { Identity } from "../rooms/identity.ts";
import type { Gate } from "../rooms/gate.ts";
import { decideJoin } from "../people/join.ts";
import { type Roles, toPeople } from "../people/roster.ts";
import { announceLeft } from "./left.ts";
import { lookAlikeKey } from "../people/skeleton.ts";
import type { ErrorCode, JoinFrame, LogEvent } from "../protocol/events.ts";
import { canonicalName, parseUsername } from "../protocol/names.ts";
import type { Outbound } from "./outbound.ts";
import type { PresenceSnapshot } from "./presence_frames.ts";
import { guestKey } from "./owner.ts";
import { welcomeFrame } from "./replay.ts";
import type { Room } from "./room.ts";
import type { SessionContext } from "./session_context.ts";
import { rollback, type SessionState } from "./session_state.ts";

/** Most messages replayed in a welcome after `since`. */
export const MAX_REPLAY = 1000;
/** Messages in a welcome without `since`. */
export const WELCOME_HISTORY = 50;

/** Who the socket became, set on the session as it enters the room. */
export interface Joined {
  who: Identity;
  username: string;
  canonical: string;
  /** The key the name is held under in presence (its look-alike key). */
  claimKey: string;
  clientId: string | undefined;
  batch: boolean;
  coalesce: boolean;
}

/** What a join reads and changes of its session. */
export interface JoinHost {
  readonly id: string;
  readonly room: string;
  readonly context: SessionContext;
  readonly gate: Gate | undefined;
  readonly out: Outbound;
  /** The dedupe scope of a connection without `clientId`. */
  readonly connectionKey: string;
  /** Who opened the socket, and its `?token=`. */
  readonly arrival: { identity: Identity | null; urlToken?: string };
  state(): SessionState;
  setState(state: SessionState): void;
  error(code: ErrorCode, message: string): void;
  /** Takes a join token; false when the connection or its address joins too fast. */
  allowJoin(): boolean;
  roles(): Roles;
  /** Sets who joined and adds the session to `room`. */
  enter(room: Room, joined: Joined): void;
  /** Takes the session out of its room and gives the name back, silently. */
  leave(): void;
  /** Tells the room the member list the welcome carried (coalesced presence goes on from it). */
  welcomed(list: PresenceSnapshot): void;
}

function closed(host: JoinHost): boolean {
  return host.state() === "closed";
}

function fail(host: JoinHost, error: unknown): never {
  host.setState(rollback(host.state()));
  throw error;
}

/** Runs one `join` for `host`, whose state is `new`. */
export async function join(host: JoinHost, frame: JoinFrame): Promise<void> {
  host.setState("joining");
  const who = await whoJoins(host, frame);
  if (!who) return;
  if (!host.allowJoin()) {
    host.setState("new");
    return host.error(
      "rate_limited",
      "You are joining too fast; wait a moment.",
    );
  }
  const name = { name: who.username, canonical: canonicalName(who.username) };
  if (host.gate) {
    let verdict;
    try {
      verdict = await host.gate.admit({
        canonical: name.canonical,
        username: name.name,
        guestKey: who.key,
        identity: who.kind === "guest" ? undefined : who,
      });
    } catch (error) {
      fail(host, error);
    }
    if (closed(host)) return;
    if (verdict !== "allow") {
      host.setState("new");
      return host.error("forbidden", host.gate.refusal());
    }
  }
  const { hub, store, fanout, presence } = host.context;
  let room: Room;
  try {
    room = await hub.acquire(host.room);
  } catch (error) {
    host.setState("new");
    throw error;
  }
  const identity = {
    username: name.name,
    canonical: lookAlikeKey(name.name),
    clientId: who.key,
  };
  let outcome;
  try {
    outcome = closed(host)
      ? "taken"
      : await presence.claim(host.room, identity);
  } catch (error) {
    hub.release(host.room);
    fail(host, error);
  }
  if (outcome === "taken") {
    hub.release(host.room);
    if (closed(host)) return;
    host.setState("new");
    return host.error(
      "name_taken",
      `Someone in this room is already called ${name.name}.`,
    );
  }
  // Set before the room sees this peer: joins that arrive while the welcome
  // is being read are gathered for it like for everyone else.
  host.enter(room, {
    who,
    username: name.name,
    canonical: name.canonical,
    claimKey: identity.canonical,
    clientId: frame.clientId,
    batch: frame.batch === true,
    coalesce: frame.presence === "coalesced",
  });
  if (closed(host)) return host.leave();
  let history: LogEvent[];
  let truncated = false;
  let members: string[];
  let people;
  try {
    const [page, online] = await Promise.all([
      frame.since === undefined
        ? store.before(host.room, { limit: WELCOME_HISTORY }).then((
          messages,
        ) => ({ messages, truncated: false }))
        : store.after(host.room, { since: frame.since, limit: MAX_REPLAY }),
      presence.roster(host.room),
    ]);
    history = page.messages;
    truncated = page.truncated;
    members = online.map((person) => person.username);
    people = toPeople(online, host.roles());
  } catch (error) {
    host.out.drop();
    host.leave();
    fail(host, error);
  }
  if (closed(host)) return;
  host.setState("joined");
  const out = host.out;
  out.lastId = history.at(-1)?.id ?? frame.since ?? "";
  if (frame.since !== undefined && frame.since > out.lastId) {
    out.lastId = frame.since;
  }
  out.now(welcomeFrame({
    room: host.room,
    username: name.name,
    members,
    people,
    history,
    truncated,
    since: frame.since,
    maxBytes: host.context.maxBufferedBytes,
  }));
  host.welcomed({ members, people });
  out.release();
  host.context.log("debug", "join", {
    room: host.room,
    session: host.id,
    again: outcome === "again",
  });
  if (outcome === "first") {
    fanout.publish(host.room, {
      type: "joined",
      username: name.name,
      ts: (host.context.clock ?? systemClock).now(),
      members,
      people,
    });
  }
}

/**
 * Gives a name back to presence; with `announce`, tells the room `left` when
 * it was the name's last connection. The promise never rejects.
 */
export function giveBack(
  context: SessionContext,
  options: {
    room: string;
    claimKey: string;
    username: string;
    announce: boolean;
    roles: () => Roles;
  },
): Promise<void> {
  const { presence, fanout, track, log } = context;
  const { room } = options;
  const release = (async () => {
    const last = await presence.release(room, options.claimKey);
    if (!last || !options.announce) return;
    await announceLeft(room, {
      presence,
      fanout,
      roles: options.roles,
      clock: context.clock,
      usernames: [options.username],
    });
  })();
  track(release);
  release.catch((error) =>
    log("warn", "presence_release_failed", { room, ...errorFields(error) })
  );
  return release.catch(() => {});
}

/** Decides who the `join` makes the socket; answers the error and returns undefined when it is refused. */
async function whoJoins(
  host: JoinHost,
  frame: JoinFrame,
): Promise<Identity | undefined> {
  const people = host.context.people;
  let decision;
  try {
    decision = people
      ? await decideJoin(frame, {
        people,
        room: host.room,
        arrival: { ...host.arrival, connection: host.connectionKey },
      })
      : undefined;
  } catch (error) {
    fail(host, error);
  }
  if (closed(host)) return undefined;
  if (!decision) {
    const name = parseUsername(frame.username ?? "");
    if (frame.username === undefined || !name.ok) {
      host.setState("new");
      host.error(
        frame.username === undefined ? "bad_frame" : "invalid_username",
        name.ok ? '"join" needs a "username" string.' : name.reason,
      );
      return undefined;
    }
    return {
      kind: "guest",
      username: name.name,
      key: guestKey({
        clientId: frame.clientId,
        connection: host.connectionKey,
      }),
    };
  }
  if (!decision.ok) {
    host.setState("new");
    host.error(decision.code, decision.message);
    return undefined;
  }
  return decision.identity;
}
