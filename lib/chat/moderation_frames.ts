import type { FrameResult, ModerationFrame } from "../protocol/events.ts";
import { parseUsername } from "../protocol/names.ts";
import { MAX_REASON_LENGTH } from "../protocol/limits.ts";
import { codePoints } from "../protocol/text.ts";

/** Longest ban or mute, in seconds (a year); a ban without `durationS` has no end. */
export const MAX_SANCTION_S = 365 * 24 * 3600;

function bad(message: string): FrameResult {
  return { ok: false, error: { code: "bad_frame", message } };
}

/** Parses `kick`, `ban`, `unban`, `mute` and `unmute`; never throws. */
export function parseModeration(
  fields: Record<string, unknown>,
): FrameResult {
  const type = fields.type as ModerationFrame["type"];
  if (typeof fields.username !== "string") {
    return bad(`"${type}" needs a "username" string.`);
  }
  const name = parseUsername(fields.username);
  if (!name.ok) {
    return {
      ok: false,
      error: { code: "invalid_username", message: name.reason },
    };
  }
  const frame: ModerationFrame = { type, username: name.name };
  if (type === "ban" || type === "mute") {
    const duration = fields.durationS;
    if (duration === undefined && type === "mute") {
      return bad('"mute" needs "durationS" (seconds).');
    }
    if (duration !== undefined) {
      if (
        typeof duration !== "number" || !Number.isInteger(duration) ||
        duration < 1 || duration > MAX_SANCTION_S
      ) {
        return bad(
          `"durationS" must be a whole number of seconds from 1 to ${MAX_SANCTION_S}.`,
        );
      }
      frame.durationS = duration;
    }
  }
  if (type !== "unban" && type !== "unmute" && fields.reason !== undefined) {
    if (typeof fields.reason !== "string") {
      return bad('"reason" must be a string.');
    }
    if (codePoints(fields.reason) > MAX_REASON_LENGTH) {
      return bad(`"reason" has at most ${MAX_REASON_LENGTH} characters.`);
    }
    const reason = fields.reason.trim();
    if (reason) frame.reason = reason;
  }
  return { ok: true, frame };
}
