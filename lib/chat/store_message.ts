/** A `message` frame stored: its reply target checked, its quote attached, store failures turned into answers. */
import { type Clock, systemClock } from "../clock.ts";
import { errorFields, type Logger } from "../log.ts";
import {
  type AppendInput,
  type AppendResult,
  type MessageStore,
  RoomLimitError,
} from "../store/store.ts";
import { quoteOf } from "../protocol/message_shapes.ts";
import type { ErrorCode, SendFrame } from "../protocol/events.ts";

/** The stored message, or the error to answer with. */
export type Stored = AppendResult | { code: ErrorCode; message: string };

/** Stores `frame` in `room` as `entry` says; never throws. */
export async function storeMessage(
  context: { store: MessageStore; log: Logger; clock?: Clock },
  options: {
    room: string;
    frame: SendFrame;
    entry: Omit<AppendInput, "text" | "ts" | "nonce" | "replyTo">;
  },
): Promise<Stored> {
  const { store, log } = context;
  const { room, frame } = options;
  try {
    const target = frame.replyTo === undefined
      ? undefined
      : await store.get(room, frame.replyTo);
    if (frame.replyTo !== undefined && (!target || target.message.deleted)) {
      return {
        code: "not_found",
        message: "The message you answer is not in this room.",
      };
    }
    const result = await store.append(room, {
      ...options.entry,
      text: frame.text,
      ts: (context.clock ?? systemClock).now(),
      nonce: frame.nonce,
      replyTo: frame.replyTo,
    });
    if (target && result.message.replyTo === target.message.id) {
      result.message.reply ??= quoteOf(target.message);
    }
    return result;
  } catch (error) {
    if (error instanceof RoomLimitError) {
      return { code: error.code, message: error.message };
    }
    log("error", "store_failed", { room, ...errorFields(error) });
    return {
      code: "server_error",
      message: "The message could not be stored; send it again.",
    };
  }
}
