import { type Clock, systemClock } from "../clock.ts";
import { errorFields, type Logger } from "../log.ts";
import {
  type ChangeInput,
  MAX_EDITS,
  MAX_REACTION_EMOJI,
  type MessageStore,
} from "../store/store.ts";
import type {
  ChangeEvent,
  DeleteFrame,
  EditFrame,
  ReactFrame,
} from "../protocol/events.ts";
import type { FrameError } from "./frames.ts";
import type { Actor, ChangeAction } from "./permissions.ts";

/** A frame that changes a stored message. */
export type ChangeFrame = EditFrame | DeleteFrame | ReactFrame;

/** What the store is asked to do for `frame`. */
export function changeInput(
  frame: ChangeFrame,
  options: { username: string; ts: number },
): ChangeInput {
  const { username, ts } = options;
  if (frame.type === "edit") {
    return { kind: "edit", target: frame.id, text: frame.text, username, ts };
  }
  if (frame.type === "delete") {
    return { kind: "delete", target: frame.id, by: username, ts };
  }
  return {
    kind: "react",
    target: frame.id,
    emoji: frame.emoji,
    username,
    on: frame.on,
  };
}

const NOT_FOUND: FrameError = {
  code: "not_found",
  message: "No such message in this room.",
};

/**
 * Checks and stores one change: `not_found` for no message of the room (or
 * a deleted one), `forbidden` when `decide` says no (it is told whether the
 * message is the actor's own),
 * `invalid_message` past a message's limits. Resolves to the stored event,
 * or to none when nothing changed (a repeated reaction), or to
 * `server_error` when the store fails (logged); never throws.
 */
export async function changeMessage(
  context: { store: MessageStore; log: Logger; clock?: Clock },
  options: {
    room: string;
    frame: ChangeFrame;
    actor: Actor;
    /** The newest id this server handed out in the room (`IdFloor`). */
    after?: string;
    decide(action: ChangeAction, own: boolean): boolean;
  },
): Promise<{ event?: ChangeEvent } | FrameError> {
  try {
    return await change(context.store, {
      ...options,
      ts: (context.clock ?? systemClock).now(),
    });
  } catch (error) {
    context.log("error", "store_failed", {
      room: options.room,
      ...errorFields(error),
    });
    return {
      code: "server_error",
      message: "The change could not be stored; try again.",
    };
  }
}

async function change(
  store: MessageStore,
  options: {
    room: string;
    frame: ChangeFrame;
    actor: Actor;
    after?: string;
    ts: number;
    decide(action: ChangeAction, own: boolean): boolean;
  },
): Promise<{ event?: ChangeEvent } | FrameError> {
  const { room, frame, actor } = options;
  const input = changeInput(frame, {
    username: actor.username,
    ts: options.ts,
  });
  const stored = await store.get(room, frame.id);
  if (!stored || stored.message.deleted) return NOT_FOUND;
  const own = stored.owner !== undefined && stored.owner === actor.owner;
  if (!options.decide(input.kind, own)) {
    return {
      code: "forbidden",
      message: input.kind === "react"
        ? "You may not react in this room."
        : `You may not ${input.kind} someone else's message.`,
    };
  }
  const result = await store.change(room, { ...input, after: options.after });
  if (result.ok) return { event: result.event };
  if (result.refusal === "not_found") return NOT_FOUND;
  return {
    code: "invalid_message",
    message: result.refusal === "too_many_edits"
      ? `A message can be edited at most ${MAX_EDITS} times.`
      : `A message holds at most ${MAX_REACTION_EMOJI} different reactions.`,
  };
}
