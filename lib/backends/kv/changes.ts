/**
 * Edits, deletions and reactions in Deno KV: a room's messages live under
 * `["msg", room, id]` as they are now (with their owner and the ids of their
 * edits), change events under `["ev", room, id]`, both numbered by the room's
 * counter.
 */
import type { ChangeEvent, MessageEvent } from "../../protocol/events.ts";
import { formatId, parseId } from "../../chat/ids.ts";
import { isBusy, retryPause } from "./busy.ts";
import { expireLater } from "./expiry.ts";
import {
  applyChange,
  changeEvent,
  type ChangeInput,
  type ChangeResult,
  MAX_EDITS,
} from "../../store/store.ts";

/** Tries of one change before it gives up on conflicts. */
const CHANGE_ATTEMPTS = 64;
/** Keys per `getMany`, Deno KV's limit. */
const READ_BATCH = 10;

/** A message entry: the wire form, its owner, and the ids of its edits (scrubbed on delete). */
export interface KvRecord extends MessageEvent {
  owner?: string;
  edits?: string[];
}

/** The wire form of a message entry. */
export function toWire(record: KvRecord): MessageEvent {
  const { owner: _, edits: __, ...message } = record;
  return message;
}

/** Adds to `op` the deletion of the position that falls out of the retained ones when `seq` is stored. */
export function trimPosition(
  op: Deno.AtomicOperation,
  options: { room: string; seq: number; maxMessages: number },
): void {
  const old = formatId(options.seq - options.maxMessages);
  op.delete(["msg", options.room, old]);
  op.delete(["ev", options.room, old]);
}

/** Adds to `op` the rewrite of edit events `ids` without their text. */
async function scrubEdits(
  kv: Deno.Kv,
  options: { op: Deno.AtomicOperation; room: string; ids: string[] },
): Promise<void> {
  for (let i = 0; i < options.ids.length; i += READ_BATCH) {
    const keys = options.ids.slice(i, i + READ_BATCH).map((
      id,
    ) => ["ev", options.room, id]);
    for (const entry of await kv.getMany<ChangeEvent[]>(keys)) {
      if (entry.value?.type !== "edited") continue;
      const { text: _, ...scrubbed } = entry.value;
      options.op.set(entry.key, scrubbed);
    }
  }
}

/**
 * Applies a change in one commit with the room's next id: checks the
 * counter and the message entry, so a concurrent append or change makes it
 * read both again. A delete rewrites the message's earlier edit events
 * without their text. `onCommitted` learns the counter it left.
 */
export async function commitChange(
  kv: Deno.Kv,
  options: {
    room: string;
    input: ChangeInput;
    maxMessages: number;
    messageTtlMs?: number;
    onCommitted(counter: { seq: number; versionstamp: string }): void;
  },
): Promise<ChangeResult> {
  const { room, input } = options;
  if (parseId(input.target) === undefined) {
    return { ok: false, refusal: "not_found" };
  }
  const seqKey = ["seq", room];
  const msgKey = ["msg", room, input.target];
  for (let attempt = 0; attempt < CHANGE_ATTEMPTS; attempt++) {
    if (attempt > 0) await retryPause(attempt);
    const [counter, entry] = await kv.getMany<[bigint, KvRecord]>([
      seqKey,
      msgKey,
    ]);
    const record = entry.value;
    if (!record || record.type !== "message") {
      return { ok: false, refusal: "not_found" };
    }
    if (input.kind === "edit" && (record.edits?.length ?? 0) >= MAX_EDITS) {
      return { ok: false, refusal: "too_many_edits" };
    }
    const next = applyChange(toWire(record), input);
    if (typeof next === "string") return { ok: false, refusal: next };
    if (next === undefined) return { ok: true };
    const seq = Number(counter.value ?? 0n) + 1;
    const event = changeEvent(formatId(seq), input);
    const op = kv.atomic()
      .check(counter)
      .check(entry)
      .set(seqKey, BigInt(seq))
      .set(["ev", room, event.id], event);
    if (options.messageTtlMs !== undefined) {
      expireLater(op, {
        key: ["ev", room, event.id],
        ttlMs: options.messageTtlMs,
      });
    }
    let edits = record.edits;
    if (input.kind === "edit") edits = [...edits ?? [], event.id];
    if (input.kind === "delete") {
      await scrubEdits(kv, { op, room, ids: edits ?? [] });
      edits = undefined;
    }
    const stored: KvRecord = { ...next };
    if (record.owner !== undefined) stored.owner = record.owner;
    if (edits !== undefined) stored.edits = edits;
    op.set(msgKey, stored);
    if (seq > options.maxMessages) {
      trimPosition(op, { room, seq, maxMessages: options.maxMessages });
    }
    let result;
    try {
      result = await op.commit();
    } catch (error) {
      if (!isBusy(error)) throw error;
      continue;
    }
    if (!result.ok) continue;
    options.onCommitted({ seq, versionstamp: result.versionstamp });
    return { ok: true, event };
  }
  throw new Error("change kept conflicting");
}
