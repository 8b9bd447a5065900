/**
 * A chat participant that behaves like the browser client under failures: it
 * reconnects at once when its socket closes, resumes with `since`, and sends
 * every unacknowledged message again with the same nonce after a
 * `server_error` or a reconnect. It records what it received, to check that
 * every acknowledged message arrived exactly once and in order.
 */
import type { Frame } from "./ws_client.ts";

/** Pause before unacknowledged messages are sent again after a `server_error`. */
const RESEND_AFTER_MS = 100;
/** Pause between attempts to reconnect. */
const RECONNECT_PAUSE_MS = 50;

/** Options of {@linkcode startSteadyClient}. */
export interface SteadyOptions {
  /** Base URL to connect to (asked again at every reconnect). */
  url: () => string;
  room: string;
  username: string;
}

/** A running participant. */
export interface SteadyClient {
  username: string;
  /** Every message received, live or resumed, in arrival order (not the echoes below). */
  received: Frame[];
  /** Its own messages sent back again in answer to a resend (the protocol's duplicate answer). */
  echoes: number;
  /** Nonce → when it was acknowledged (its own message came back). */
  acked: Map<string, number>;
  /** Nonces sent but not acknowledged yet. */
  pending: Set<string>;
  /** How many sends were repeats of an unacknowledged nonce. */
  resends: number;
  /** How many times the socket had to be opened again. */
  reconnects: number;
  /** Longest time from a socket's close to the next welcome. */
  longestReconnectMs: number;
  /** Sends a message; its nonce is `${username}-${n}`. */
  send(): string;
  /** Resolves once every message sent so far is acknowledged; throws after `timeoutMs` or a stop. */
  settled(timeoutMs?: number): Promise<void>;
  /** Closes for good. */
  stop(): Promise<void>;
}

/** Connects, joins and keeps the participant alive until {@linkcode SteadyClient.stop}. */
export async function startSteadyClient(
  options: SteadyOptions,
): Promise<SteadyClient> {
  const clientId = `${options.username}-${crypto.randomUUID()}`;
  const texts = new Map<string, string>();
  let socket: WebSocket | undefined;
  let stopped = false;
  let lastId: string | undefined;
  let sequence = 0;
  let resendTimer: ReturnType<typeof setTimeout> | undefined;
  let wake: (() => void) | undefined;
  let joinedOnce: (() => void) | undefined;
  let failedOnce: ((error: Error) => void) | undefined;

  const client: SteadyClient = {
    username: options.username,
    received: [],
    echoes: 0,
    acked: new Map(),
    pending: new Set(),
    resends: 0,
    reconnects: 0,
    longestReconnectMs: 0,
    send() {
      const nonce = `${options.username}-${++sequence}`;
      texts.set(nonce, `${options.username} says ${sequence}`);
      client.pending.add(nonce);
      transmit(nonce);
      return nonce;
    },
    async settled(timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      while (client.pending.size > 0) {
        const left = deadline - Date.now();
        if (left <= 0 || stopped) {
          throw new Error(
            `${options.username}: unacknowledged ${[...client.pending]}${
              stopped ? " when stopped" : ` after ${timeoutMs} ms`
            }`,
          );
        }
        let timer: ReturnType<typeof setTimeout> | undefined;
        await new Promise<void>((resolve) => {
          wake = resolve;
          timer = setTimeout(resolve, left);
        });
        clearTimeout(timer);
      }
    },
    async stop() {
      stopped = true;
      clearTimeout(resendTimer);
      wake?.();
      if (!socket || socket.readyState === WebSocket.CLOSED) return;
      const closed = new Promise((r) => socket!.addEventListener("close", r));
      socket.close();
      await closed;
    },
  };

  const ready = () => socket?.readyState === WebSocket.OPEN && joined;
  let joined = false;
  const transmit = (nonce: string) => {
    if (!ready()) return;
    socket!.send(
      JSON.stringify({ type: "message", text: texts.get(nonce), nonce }),
    );
  };
  const resendAll = () => {
    for (const nonce of client.pending) {
      client.resends++;
      transmit(nonce);
    }
  };
  const take = (message: Frame) => {
    if (lastId !== undefined && message.id <= lastId) {
      const echo = message.username === options.username &&
        client.acked.has(message.nonce) &&
        client.received.some((m) => m.id === message.id);
      if (echo) client.echoes++;
      else client.received.push(message);
      return;
    }
    client.received.push(message);
    lastId = message.id;
    if (message.username === options.username && message.nonce) {
      if (client.pending.delete(message.nonce)) {
        client.acked.set(message.nonce, Date.now());
        wake?.();
      }
    }
  };

  const open = (closedAt?: number) => {
    if (stopped) return;
    joined = false;
    let ws: WebSocket;
    try {
      ws = new WebSocket(
        options.url().replace(/^http/, "ws") + `/api/rooms/${options.room}/ws`,
      );
    } catch {
      setTimeout(() => open(closedAt), RECONNECT_PAUSE_MS);
      return;
    }
    socket = ws;
    ws.onopen = () =>
      ws.send(JSON.stringify({
        type: "join",
        username: options.username,
        clientId,
        ...(lastId === undefined ? {} : { since: lastId }),
      }));
    ws.onmessage = (event) => {
      const frame = JSON.parse(event.data);
      const frames = frame.type === "batch" ? frame.events : [frame];
      for (const f of frames) {
        if (f.type === "welcome") {
          for (const message of f.history ?? []) take(message);
          joined = true;
          if (closedAt !== undefined) {
            client.longestReconnectMs = Math.max(
              client.longestReconnectMs,
              Date.now() - closedAt,
            );
            closedAt = undefined;
          }
          joinedOnce?.();
          resendAll();
        } else if (f.type === "message") take(f);
        else if (f.type === "error") {
          if (!joined && failedOnce) failedOnce(new Error(JSON.stringify(f)));
          // A refused rejoin (e.g. server_error while no replica confirms the
          // history read) leaves the socket open but not joined: join again
          // on a new one, as a real client would, instead of waiting forever.
          else if (!joined) ws.close();
          if (f.code === "server_error" && !resendTimer) {
            resendTimer = setTimeout(() => {
              resendTimer = undefined;
              resendAll();
            }, RESEND_AFTER_MS);
          }
        }
      }
    };
    ws.onerror = () => {};
    ws.onclose = () => {
      if (stopped) return;
      if (joined) client.reconnects++;
      const since = closedAt ?? Date.now();
      setTimeout(() => open(since), joined ? 0 : RECONNECT_PAUSE_MS);
    };
  };

  await new Promise<void>((resolve, reject) => {
    joinedOnce = resolve;
    failedOnce = reject;
    open();
  });
  joinedOnce = undefined;
  failedOnce = undefined;
  client.reconnects = 0;
  return client;
}

/** Longest time between two consecutive acknowledgements of one client's messages. */
export function longestAckGap(client: SteadyClient): number {
  const times = [...client.acked.values()].sort((a, b) => a - b);
  let longest = 0;
  for (let i = 1; i < times.length; i++) {
    longest = Math.max(longest, times[i] - times[i - 1]);
  }
  return longest;
}
