/** The outbox of our messages the server has not acknowledged: queue, send, acknowledge, fail, resend. */
import type { ClientFrame, MessageEvent } from "../protocol/events.ts";
import { MAX_TEXT_LENGTH } from "../protocol/limits.ts";
import { codePoints } from "../protocol/text.ts";
import type { OutgoingMessage } from "./chat_state.ts";

type Outbox = readonly OutgoingMessage[];

/** Why `text` cannot be sent, in plain words; null when it can. */
export function checkText(text: string): string | null {
  const trimmed = text.trim();
  if (trimmed.length === 0) return "Write something first.";
  if (codePoints(trimmed) > MAX_TEXT_LENGTH) {
    return `A message has at most ${MAX_TEXT_LENGTH} characters.`;
  }
  return null;
}

/** Queues a failed message again, with its nonce, so it is never stored twice. */
export function requeue(outbox: Outbox, nonce: string): OutgoingMessage[] {
  return outbox.map((m) =>
    m.nonce === nonce && m.status === "failed"
      ? {
        nonce: m.nonce,
        text: m.text,
        status: "queued",
        createdAt: m.createdAt,
        replyTo: m.replyTo,
      }
      : m
  );
}

/** Drops a failed message. */
export function discardFailed(
  outbox: Outbox,
  nonce: string,
): OutgoingMessage[] {
  return outbox.filter((m) => m.nonce !== nonce || m.status !== "failed");
}

/**
 * Writes the queued messages (with `resendInFlight`, also those sent on an
 * old socket) through `write`; the new outbox, or null when nothing was sent.
 */
export function sendDue(
  outbox: Outbox,
  options: {
    resendInFlight: boolean;
    write: (frame: ClientFrame) => boolean;
  },
): OutgoingMessage[] | null {
  let changed = false;
  const next = outbox.map((m) => {
    const due = m.status === "queued" ||
      (options.resendInFlight && m.status === "sending");
    if (!due) return m;
    const frame: ClientFrame = {
      type: "message",
      text: m.text,
      nonce: m.nonce,
    };
    if (m.replyTo !== undefined) frame.replyTo = m.replyTo;
    if (!options.write(frame)) return m;
    changed = true;
    return { ...m, status: "sending" as const };
  });
  return changed ? next : null;
}

/** Takes out the message `message` acknowledges (its nonce). */
export function acknowledge(outbox: Outbox, message: MessageEvent): Outbox {
  if (message.nonce === undefined) return outbox;
  const index = outbox.findIndex((m) => m.nonce === message.nonce);
  if (index === -1) return outbox;
  const acked = outbox[index];
  const rest = outbox.filter((_, i) => i !== index);
  return acked.status === "failed" ? failOldestSending(rest, acked) : rest;
}

/** Marks the oldest message in flight as failed (errors carry no nonce; the server answers in order). */
export function failOldestSending(
  outbox: Outbox,
  failure: Pick<OutgoingMessage, "error" | "retryable">,
): Outbox {
  const index = outbox.findIndex((m) => m.status === "sending");
  if (index === -1) return outbox;
  return outbox.map((m, i) =>
    i === index
      ? {
        ...m,
        status: "failed" as const,
        error: failure.error,
        retryable: failure.retryable,
      }
      : m
  );
}
