/**
 * The protocol's limits, in one place for the server and the browser
 * (docs/protocol.md). Lengths are in code points unless named otherwise.
 */

/** Largest frame a client may send, in bytes of UTF-8. */
export const MAX_FRAME_BYTES = 16_384;
/** Longest message text, after trimming. */
export const MAX_TEXT_LENGTH = 2000;
/** Longest `clientId` or `nonce`. */
export const MAX_TOKEN_LENGTH = 64;
/** Longest reaction emoji (one grapheme). */
export const MAX_EMOJI_LENGTH = 16;
/** Longest reason of a moderation frame. */
export const MAX_REASON_LENGTH = 200;
/** Longest room name, after NFC. */
export const MAX_ROOM_LENGTH = 64;
/** Longest username, after trimming and NFC. */
export const MAX_USERNAME_LENGTH = 32;
/** Fewest characters (code points) in an account's password. */
export const MIN_PASSWORD_LENGTH = 8;
/** Most characters (code points) in an account's password. */
export const MAX_PASSWORD_LENGTH = 256;
/** Characters of a replied-to message quoted in a reply. */
export const REPLY_QUOTE_LENGTH = 200;
/** Longest room topic, after trimming. */
export const MAX_TOPIC_LENGTH = 300;
/** Shortest gap between two `typing` frames of one connection that both count, in milliseconds. */
export const TYPING_INTERVAL_MS = 1000;
/** Most messages of one `/api/rooms/{room}/messages` page. */
export const MAX_HISTORY_PAGE = 200;
/** Messages of a history page when `limit` is absent. */
export const DEFAULT_HISTORY_PAGE = 50;
/** Most results of one search. */
export const MAX_SEARCH_RESULTS = 50;
/** Search results when `limit` is absent. */
export const DEFAULT_SEARCH_RESULTS = 20;
/** Longest search query, in UTF-16 code units. */
export const MAX_QUERY_LENGTH = 500;
/** Entries of the audit log per answer when `limit` is absent. */
export const DEFAULT_AUDIT_PAGE = 100;
