/**
 * How server events change a client's state, as pure functions: each returns
 * the patch to apply, and the client keeps the socket and the timers.
 */
import type {
  ErrorCode,
  LogEvent,
  MessageEvent,
  PresenceEvent,
  ServerEvent,
} from "../protocol/events.ts";
import { MAX_TEXT_LENGTH } from "../protocol/limits.ts";
import { canonicalName } from "../protocol/names.ts";
import { type ChatState, mergeMessages } from "./chat_state.ts";
import { applyChanges } from "./message_changes.ts";
import { applyPresenceList } from "./member_list.ts";
import { noticeWords } from "./notice_words.ts";
import { acknowledge, failOldestSending } from "./outbox.ts";
import { presenceChanges, type PresenceNotice } from "./server_events.ts";

/** Join/leave notices kept (the newest): a join/leave flood cannot grow the page without end. */
export const MAX_NOTICES = 100;

/** A `joined` or `left` event. */
export type PresenceChange = Extract<ServerEvent, { type: "joined" | "left" }>;

const PLAIN_WORDS: Partial<Record<ErrorCode, string>> = {
  name_taken:
    "Someone in this room is already using that name. Pick another one.",
  rate_limited:
    "You are sending messages too quickly. Wait a moment, then resend.",
  invalid_message:
    `That message could not be sent: it is empty or longer than ${MAX_TEXT_LENGTH} characters.`,
  server_error:
    "The server could not save that message. It was not sent; you can resend it.",
  too_large: "That message is too large to send.",
  kicked: "You were removed from this room.",
};

/** Turns a server error into a sentence for the reader. */
export function describeError(code: ErrorCode, message: string): string {
  return PLAIN_WORDS[code] ?? (message || "Something went wrong.");
}

/** True when `username` is the name we joined with. */
export function isSelf(state: ChatState, username: string): boolean {
  const self = state.username;
  return self !== null && canonicalName(self) === canonicalName(username);
}

/** The state a `welcome` sets, before its history is applied. */
export function welcomePatch(
  event: Extract<ServerEvent, { type: "welcome" }>,
): Partial<ChatState> {
  return {
    status: "online",
    joined: true,
    username: event.username,
    needsName: false,
    nameError: null,
    members: event.members,
    people: event.people ?? [],
    retryAt: null,
    alert: null,
  };
}

/**
 * Applies stored events (messages and their changes): merged by id, the
 * outbox acknowledged; `typists` are those whose message ends their typing.
 */
export function applyLog(
  state: ChatState,
  events: readonly LogEvent[],
): { patch: Partial<ChatState>; typists: string[] } {
  const incoming = events.filter((e): e is MessageEvent =>
    e.type === "message"
  );
  const messages = applyChanges(
    mergeMessages(state.messages, incoming),
    events,
  );
  let lastId = state.lastId;
  for (const event of events) {
    if (
      typeof event.id === "string" && (lastId === null || event.id > lastId)
    ) {
      lastId = event.id;
    }
  }
  let outbox = state.outbox;
  let typing = state.typing;
  for (const message of incoming) {
    typing = withoutTypist(typing, message.username);
    outbox = acknowledge(outbox, message);
  }
  return {
    patch: { messages, outbox, typing, lastId },
    typists: incoming.map((m) => m.username),
  };
}

/** `typing` without `username`. */
export function withoutTypist(
  typing: readonly string[],
  username: string,
): readonly string[] {
  return typing.includes(username)
    ? typing.filter((u) => u !== username)
    : typing;
}

/** Applies a `joined` or `left`; `key` names the notice it adds (not for ourselves). */
export function applyPresence(
  state: ChatState,
  options: { event: PresenceChange; key: () => string },
): Partial<ChatState> {
  const { event } = options;
  return {
    members: Array.isArray(event.members) ? event.members : state.members,
    people: Array.isArray(event.people) ? event.people : state.people,
    ...presenceNotices(state, { changes: [event], key: options.key }),
  };
}

/**
 * Applies a coalesced `presence`: its changes to the member list (or its
 * whole list), and a notice per join and leave of the others.
 */
export function applyPresenceWindow(
  state: ChatState,
  options: { event: PresenceEvent; key: () => string },
): Partial<ChatState> {
  return {
    ...applyPresenceList(state, options.event),
    ...presenceNotices(state, {
      changes: presenceChanges(options.event),
      key: options.key,
    }),
  };
}

function presenceNotices(
  state: ChatState,
  options: { changes: readonly PresenceNotice[]; key: () => string },
): Pick<ChatState, "typing" | "notices"> {
  let { typing, notices } = state;
  const afterId = state.messages.at(-1)?.id ?? null;
  for (const { type, username, ts } of options.changes) {
    if (type === "left") typing = withoutTypist(typing, username);
    if (isSelf(state, username)) continue;
    notices = [...notices.slice(1 - MAX_NOTICES), {
      key: options.key(),
      kind: type,
      username,
      ts,
      afterId,
    }];
  }
  return { typing, notices };
}

/** Applies a moderation `notice`, under the notice key `key`. */
export function applyNotice(
  state: ChatState,
  options: { event: Extract<ServerEvent, { type: "notice" }>; key: string },
): Partial<ChatState> {
  const { event } = options;
  return {
    notices: [...state.notices, {
      key: options.key,
      kind: "moderation",
      text: noticeWords(event),
      username: event.username,
      ts: event.ts,
      afterId: state.messages.at(-1)?.id ?? null,
    }],
  };
}

/** Applies an `error`; `kicked` when the server shut us out for good. */
export function applyError(
  state: ChatState,
  error: { code: ErrorCode; message: string },
): { patch: Partial<ChatState>; kicked?: boolean } {
  const { code, message } = error;
  const words = code === "rate_limited" && message.startsWith("Slow mode")
    ? message
    : describeError(code, message);
  switch (code) {
    case "name_taken":
    case "invalid_username":
      return {
        patch: state.joined ? {} : { needsName: true, nameError: words },
      };
    case "not_found":
      return {
        patch: {
          outbox: state.outbox.find((m) => m.status === "sending")
              ?.replyTo === undefined
            ? state.outbox
            : failOldestSending(state.outbox, {
              error: "The message you answered is gone.",
              retryable: false,
            }),
          alert: words,
        },
      };
    case "rate_limited":
    case "invalid_message":
    case "server_error":
    case "too_large":
      return {
        patch: {
          outbox: failOldestSending(state.outbox, {
            error: words,
            retryable: code === "rate_limited" || code === "server_error",
          }),
          alert: words,
        },
      };
    case "kicked":
      return {
        patch: { alert: message || words, status: "closed" },
        kicked: true,
      };
    case "forbidden":
      return {
        patch: {
          outbox: state.joined
            ? failOldestSending(state.outbox, {
              error: message,
              retryable: false,
            })
            : state.outbox,
          alert: message || words,
        },
      };
    default:
      return { patch: { alert: words } };
  }
}
