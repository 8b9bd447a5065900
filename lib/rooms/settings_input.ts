/** Checks of what the owner may set on a room (pure). */
import { MAX_TOPIC_LENGTH } from "../protocol/limits.ts";
import { codePoints } from "../protocol/text.ts";
import type { SettingsPatch, Visibility } from "./room_store.ts";

/** Longest slow mode, in seconds. */
export const MAX_SLOW_MODE_S = 3600;
/** Most moderators of one room. */
export const MAX_MODERATORS = 50;

/** A checked value, or why it was refused. */
export type Checked<T> = { ok: true; value: T } | { ok: false; error: string };

function visibility(value: unknown): Visibility | undefined {
  return value === "public" || value === "private" ? value : undefined;
}

/** Checks a `PATCH /api/rooms/{room}` body (`topic`, `visibility`, `guests`, `slowModeS`). */
export function parsePatch(
  body: Record<string, unknown>,
): Checked<SettingsPatch> {
  const patch: SettingsPatch = {};
  if (body.topic !== undefined) {
    const topic = parseTopic(body.topic);
    if (!topic.ok) return topic;
    patch.topic = topic.value;
  }
  if (body.visibility !== undefined) {
    const value = visibility(body.visibility);
    if (!value) {
      return { ok: false, error: 'visibility must be "public" or "private"' };
    }
    patch.visibility = value;
  }
  if (body.guests !== undefined) {
    if (typeof body.guests !== "boolean") {
      return { ok: false, error: "guests must be true or false" };
    }
    patch.guests = body.guests;
  }
  if (body.slowModeS !== undefined) {
    const s = body.slowModeS;
    if (
      typeof s !== "number" || !Number.isInteger(s) || s < 0 ||
      s > MAX_SLOW_MODE_S
    ) {
      return {
        ok: false,
        error: `slowModeS must be a whole number from 0 to ${MAX_SLOW_MODE_S}`,
      };
    }
    patch.slowModeS = s;
  }
  return { ok: true, value: patch };
}

/** Checks a topic: a string of at most {@linkcode MAX_TOPIC_LENGTH} code points, trimmed. */
export function parseTopic(value: unknown): Checked<string> {
  if (typeof value !== "string") {
    return { ok: false, error: "topic must be a string" };
  }
  const topic = value.trim();
  if (codePoints(topic) > MAX_TOPIC_LENGTH) {
    return {
      ok: false,
      error: `topic has at most ${MAX_TOPIC_LENGTH} characters`,
    };
  }
  if (/[\p{Cc}\p{Cf}]/u.test(topic.replaceAll("\n", ""))) {
    return { ok: false, error: "topic may not hold control characters" };
  }
  return { ok: true, value: topic };
}

/** Checks a `POST /api/rooms` visibility (default public). */
export function parseVisibility(value: unknown): Checked<Visibility> {
  if (value === undefined) return { ok: true, value: "public" };
  const checked = visibility(value);
  return checked
    ? { ok: true, value: checked }
    : { ok: false, error: 'visibility must be "public" or "private"' };
}

/** Most uses of one invite link. */
export const MAX_INVITE_USES = 1000;
/** Longest life of an invite link, in seconds (30 days). */
export const MAX_INVITE_TTL_S = 30 * 24 * 3600;
/** Uses of an invite link when not given. */
export const DEFAULT_INVITE_USES = 10;
/** Life of an invite link when not given, in seconds (a day). */
export const DEFAULT_INVITE_TTL_S = 24 * 3600;

/** Checks a `POST /api/rooms/{room}/invites` body. */
export function parseInviteRequest(
  body: Record<string, unknown>,
): Checked<{ maxUses: number; expiresInS: number }> {
  const whole = (value: unknown, max: number, fallback: number) =>
    value === undefined
      ? fallback
      : typeof value === "number" && Number.isInteger(value) && value >= 1 &&
          value <= max
      ? value
      : undefined;
  const maxUses = whole(body.maxUses, MAX_INVITE_USES, DEFAULT_INVITE_USES);
  if (maxUses === undefined) {
    return {
      ok: false,
      error: `maxUses must be a whole number from 1 to ${MAX_INVITE_USES}`,
    };
  }
  const expiresInS = whole(
    body.expiresInS,
    MAX_INVITE_TTL_S,
    DEFAULT_INVITE_TTL_S,
  );
  if (expiresInS === undefined) {
    return {
      ok: false,
      error: `expiresInS must be a whole number from 1 to ${MAX_INVITE_TTL_S}`,
    };
  }
  return { ok: true, value: { maxUses, expiresInS } };
}

/** A new invite code: 32 random bytes (256 bits), base64url. */
export function newInviteCode(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return btoa(String.fromCharCode(...bytes)).replaceAll("+", "-")
    .replaceAll("/", "_").replace(/=+$/, "");
}

/** True for a string shaped like an invite code (so junk never reaches storage). */
export function isInviteCode(code: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(code);
}
