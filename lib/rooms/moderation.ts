import type { ModerationFrame, NoticeEvent } from "../protocol/events.ts";
import { canonicalName } from "../protocol/names.ts";
import type { Look, RoomAccess } from "./access.ts";
import { type Action, mayModerate, type Standing } from "./permissions.ts";
import type { RoomSettings } from "./room_store.ts";

/** Why a moderation frame was refused, in the protocol's words. */
export interface Refusal {
  code: "forbidden";
  message: string;
}

/** The standing a name has in a room by the room's settings alone (owner, moderators, admins). */
export function standingByName(
  canonical: string,
  options: { settings: RoomSettings; admins: readonly string[] },
): Standing {
  const { settings } = options;
  if (options.admins.includes(canonical)) return "admin";
  if (settings.owner !== null && canonicalName(settings.owner) === canonical) {
    return "owner";
  }
  if (settings.moderators.some((m) => canonicalName(m) === canonical)) {
    return "moderator";
  }
  return "member";
}

/**
 * Who a name stands for in the room: the keys its bans and mutes are held
 * under, and whether they are the account of that name. A name seen only as
 * a guest is a guest (so a guest who takes a moderator's name is no
 * moderator, and a ban of it does not reach the account); a name never seen
 * is taken to be the account.
 */
export async function keysOfName(
  access: RoomAccess,
  options: { room: string; canonical: string },
): Promise<{ keys: string[]; account: boolean }> {
  const seen = await access.rooms.recall(options.room, options.canonical);
  const accountKey = `a:${options.canonical}`;
  if (seen.length === 0) return { keys: [accountKey], account: true };
  return { keys: seen, account: seen.includes(accountKey) };
}

/** The permission-table action a moderation frame takes (`unban` is `ban`'s, `unmute` is `mute`'s). */
export function moderationAction(frame: ModerationFrame): Action {
  return frame.type === "unban"
    ? "ban"
    : frame.type === "unmute"
    ? "mute"
    : frame.type;
}

/** The refusal of a moderation frame from someone who does not moderate the room. */
export function notModerator(): Refusal {
  return {
    code: "forbidden",
    message: "Only the owner and moderators of this room may do that.",
  };
}

/**
 * Carries out `kick`, `ban`, `unban`, `mute` or `unmute` for `actor`: checks
 * the table and the owner's protection, stores the sanction, writes the
 * audit log, tells every server (control event) and the room (`notice`).
 */
export async function moderate(
  access: RoomAccess,
  options: {
    room: string;
    actor: Look;
    actorName: string;
    frame: ModerationFrame;
  },
): Promise<Refusal | undefined> {
  const { room, actor, frame } = options;
  if (access.decide(moderationAction(frame), actor) !== "allow") {
    return notModerator();
  }
  const canonical = canonicalName(frame.username);
  const { keys, account } = await keysOfName(access, { room, canonical });
  const target = account
    ? standingByName(canonical, {
      settings: actor.settings,
      admins: access.admins,
    })
    : "guest";
  if (!mayModerate(actor.standing, target)) {
    return {
      code: "forbidden",
      message: target === "owner"
        ? "The owner of the room cannot be kicked, banned or muted."
        : "Only the owner or an admin may do that to a moderator.",
    };
  }
  const now = access.clock.now();
  const until = frame.durationS === undefined
    ? null
    : now + frame.durationS * 1000;
  const by = options.actorName;
  if (frame.type === "ban" || frame.type === "mute") {
    await access.rooms.sanction(room, {
      keys,
      sanction: {
        kind: frame.type,
        username: frame.username,
        by,
        until,
        ...(frame.reason ? { reason: frame.reason } : {}),
      },
    });
  } else if (frame.type === "unban" || frame.type === "unmute") {
    await access.rooms.lift(room, {
      keys,
      kind: frame.type === "unban" ? "ban" : "mute",
    });
  }
  await access.rooms.audit(room, {
    action: frame.type,
    by,
    target: frame.username,
    ts: now,
    ...(frame.reason ? { reason: frame.reason } : {}),
  });
  const notice: NoticeEvent = {
    type: "notice",
    action: frame.type,
    username: frame.username,
    by,
    ts: now,
    ...(until !== null && (frame.type === "ban" || frame.type === "mute")
      ? { until }
      : {}),
    ...(frame.reason ? { reason: frame.reason } : {}),
  };
  access.control(room, {
    action: frame.type,
    username: canonical,
    keys,
    notice,
  });
  return undefined;
}
