/** What the room view reads of a chat client: the state's shape, its start, and the merge of messages by id. */
import type { MessageEvent, PersonView } from "../protocol/events.ts";

/** Where the connection stands. */
export type ConnectionStatus =
  | "idle"
  | "connecting"
  | "online"
  | "reconnecting"
  | "closed";

/** "bob joined" / "bob left" / a moderation action, placed after the newest message known when it happened. */
export interface Notice {
  key: string;
  kind: "joined" | "left" | "moderation";
  /** For moderation: the sentence to show. */
  text?: string;
  username: string;
  ts: number;
  afterId: string | null;
}

/** A message of ours that the server has not acknowledged yet. */
export interface OutgoingMessage {
  nonce: string;
  text: string;
  status: "queued" | "sending" | "failed";
  /** When it was written (epoch ms), to place it among the day separators. */
  createdAt: number;
  /** Why it failed, in plain words. */
  error?: string;
  /** False when sending it again cannot help (e.g. an invalid message). */
  retryable?: boolean;
  /** Id of the message it answers. */
  replyTo?: string;
}

/** Everything the view needs; a new object after every change. */
export interface ChatState {
  status: ConnectionStatus;
  /** The name we join with, once chosen. */
  username: string | null;
  /** True after a `welcome` on the current socket. */
  joined: boolean;
  /** True while the reader must (re)pick a name. */
  needsName: boolean;
  nameError: string | null;
  /** Stored messages, sorted by id, no duplicates, each as it is now. */
  messages: readonly MessageEvent[];
  /** Newest id of the room's sequence seen (a message or a change), to resume from. */
  lastId: string | null;
  notices: readonly Notice[];
  members: readonly string[];
  /** The same people with their kind and role, when the server says. */
  people: readonly PersonView[];
  /** Others typing right now. */
  typing: readonly string[];
  outbox: readonly OutgoingMessage[];
  /** The latest problem worth telling the reader, in plain words. */
  alert: string | null;
  /** When the next reconnect attempt starts (epoch ms). */
  retryAt: number | null;
  /** Paging back through older history: `done` once an empty page came back. */
  older: "idle" | "loading" | "done" | "error";
}

/** Inserts messages into a list sorted by id, skipping ids already there. */
export function mergeMessages(
  sorted: readonly MessageEvent[],
  incoming: readonly MessageEvent[],
): MessageEvent[] {
  const seen = new Set(sorted.map((m) => m.id));
  const fresh = incoming.filter((m) => {
    if (seen.has(m.id)) return false;
    seen.add(m.id);
    return true;
  });
  if (fresh.length === 0) return sorted as MessageEvent[];
  const last = sorted.at(-1);
  fresh.sort(compareIds);
  if (!last || last.id < fresh[0].id) return [...sorted, ...fresh];
  return [...sorted, ...fresh].sort(compareIds);
}

function compareIds(a: MessageEvent, b: MessageEvent): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** The state before any connection: the server-rendered history, nobody online. */
export function initialChatState(options: {
  history: readonly MessageEvent[];
  historyComplete?: boolean;
  /** True once the page knows it must ask for a name (false while rendering on the server). */
  needsName: boolean;
}): ChatState {
  return {
    status: "idle",
    username: null,
    joined: false,
    needsName: options.needsName,
    nameError: null,
    messages: mergeMessages([], options.history),
    lastId: null,
    notices: [],
    members: [],
    people: [],
    typing: [],
    outbox: [],
    alert: null,
    retryAt: null,
    older: options.historyComplete || options.history.length === 0
      ? "done"
      : "idle",
  };
}
