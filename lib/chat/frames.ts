import type { FrameError, FrameResult, SendFrame } from "../protocol/events.ts";
import { parseModeration } from "./moderation_frames.ts";
import {
  MAX_EMOJI_LENGTH,
  MAX_FRAME_BYTES,
  MAX_TEXT_LENGTH,
  MAX_TOKEN_LENGTH,
} from "../protocol/limits.ts";
import { codePoints } from "../protocol/text.ts";

export type { FrameError, FrameResult } from "../protocol/events.ts";

function bad(message: string): FrameResult {
  return { ok: false, error: { code: "bad_frame", message } };
}

/** Any character that takes more than one byte in UTF-8. */
const NOT_ASCII = /[\u0080-\uffff]/;

/** UTF-8 length of `text`, stopping early once it passes `limit`. */
export function utf8Length(text: string, limit = Infinity): number {
  // Most frames are ASCII, whose length is their byte count; the regular
  // expression scans them several times faster than the loop below.
  if (!NOT_ASCII.test(text)) return text.length;
  let bytes = 0;
  for (let i = 0; i < text.length && bytes <= limit; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}

/** True when a text frame is over {@linkcode MAX_FRAME_BYTES}. */
export function isTooLarge(text: string): boolean {
  if (text.length > MAX_FRAME_BYTES) return true;
  if (text.length * 3 <= MAX_FRAME_BYTES) return false;
  return utf8Length(text, MAX_FRAME_BYTES) > MAX_FRAME_BYTES;
}

function optionalToken(
  value: unknown,
  field: string,
): string | undefined | FrameResult {
  if (value === undefined) return undefined;
  if (typeof value !== "string") return bad(`"${field}" must be a string.`);
  const length = codePoints(value);
  if (length < 1 || length > MAX_TOKEN_LENGTH) {
    return bad(`"${field}" must have 1 to ${MAX_TOKEN_LENGTH} characters.`);
  }
  return value;
}

/** Message text is valid when 1 to {@linkcode MAX_TEXT_LENGTH} code points remain after trimming. */
export function checkText(text: string): FrameError | undefined {
  const length = codePoints(text.trim());
  if (length === 0) {
    return { code: "invalid_message", message: "A message cannot be empty." };
  }
  if (length > MAX_TEXT_LENGTH) {
    return {
      code: "invalid_message",
      message: `A message has at most ${MAX_TEXT_LENGTH} characters.`,
    };
  }
  return undefined;
}

const graphemes = new Intl.Segmenter(undefined, { granularity: "grapheme" });
const EMOJI = /\p{Extended_Pictographic}|\p{Regional_Indicator}|\u20e3/u;

/** A reaction is one emoji: one grapheme of 1–16 code points holding a pictograph, flag or keycap. */
export function checkEmoji(emoji: string): FrameError | undefined {
  const length = codePoints(emoji);
  let count = 0;
  for (const _ of graphemes.segment(emoji)) if (++count > 1) break;
  if (length < 1 || length > MAX_EMOJI_LENGTH || count !== 1) {
    return {
      code: "invalid_message",
      message:
        `A reaction is one emoji of at most ${MAX_EMOJI_LENGTH} code points.`,
    };
  }
  if (!EMOJI.test(emoji)) {
    return { code: "invalid_message", message: "A reaction is an emoji." };
  }
  return undefined;
}

function parseChange(fields: Record<string, unknown>): FrameResult {
  const type = fields.type as "edit" | "delete" | "react";
  if (typeof fields.id !== "string") {
    return bad(`"${type}" needs an "id" string.`);
  }
  const id = fields.id;
  if (type === "delete") return { ok: true, frame: { type, id } };
  if (type === "edit") {
    if (typeof fields.text !== "string") {
      return bad('"edit" needs a "text" string.');
    }
    const invalid = checkText(fields.text);
    if (invalid) return { ok: false, error: invalid };
    return { ok: true, frame: { type, id, text: fields.text } };
  }
  if (typeof fields.emoji !== "string") {
    return bad('"react" needs an "emoji" string.');
  }
  if (typeof fields.on !== "boolean") {
    return bad('"react" needs "on": true or false.');
  }
  const invalid = checkEmoji(fields.emoji);
  if (invalid) return { ok: false, error: invalid };
  return { ok: true, frame: { type, id, emoji: fields.emoji, on: fields.on } };
}

/** Parses one text frame from a client; never throws. */
export function parseFrame(data: string): FrameResult {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return bad("A frame must be a JSON object.");
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return bad("A frame must be a JSON object.");
  }
  const fields = value as Record<string, unknown>;
  switch (fields.type) {
    case "join": {
      if (
        fields.username !== undefined && typeof fields.username !== "string"
      ) {
        return bad('"join" needs a "username" string.');
      }
      if (fields.token !== undefined && typeof fields.token !== "string") {
        return bad('"token" must be a string.');
      }
      const clientId = optionalToken(fields.clientId, "clientId");
      if (typeof clientId === "object") return clientId;
      if (fields.since !== undefined && typeof fields.since !== "string") {
        return bad('"since" must be a message id string.');
      }
      if (fields.batch !== undefined && typeof fields.batch !== "boolean") {
        return bad('"batch" must be true or false.');
      }
      if (
        fields.presence !== undefined && fields.presence !== "coalesced" &&
        fields.presence !== "each"
      ) {
        return bad('"presence" must be "coalesced" or "each".');
      }
      return {
        ok: true,
        frame: {
          type: "join",
          username: fields.username,
          ...(fields.token === undefined ? {} : { token: fields.token }),
          clientId,
          since: fields.since,
          batch: fields.batch,
          presence: fields.presence,
        },
      };
    }
    case "message": {
      const nonce = optionalToken(fields.nonce, "nonce");
      if (typeof nonce === "object") return nonce;
      if (typeof fields.text !== "string") {
        const answer = bad('"message" needs a "text" string.');
        if (!answer.ok && nonce !== undefined) answer.error.nonce = nonce;
        return answer;
      }
      const invalid = checkText(fields.text);
      if (invalid) {
        return {
          ok: false,
          error: nonce === undefined ? invalid : { ...invalid, nonce },
        };
      }
      if (fields.replyTo !== undefined && typeof fields.replyTo !== "string") {
        const answer = bad('"replyTo" must be a message id string.');
        if (!answer.ok && nonce !== undefined) answer.error.nonce = nonce;
        return answer;
      }
      const frame: SendFrame = { type: "message", text: fields.text, nonce };
      if (fields.replyTo !== undefined) frame.replyTo = fields.replyTo;
      return { ok: true, frame };
    }
    case "edit":
    case "delete":
    case "react":
      return parseChange(fields);
    case "typing":
      return { ok: true, frame: { type: "typing" } };
    case "kick":
    case "ban":
    case "unban":
    case "mute":
    case "unmute":
      return parseModeration(fields);
    case undefined:
      return bad('A frame needs a "type".');
    default:
      return bad(
        typeof fields.type === "string"
          ? "Unknown frame type."
          : '"type" must be a string.',
      );
  }
}
