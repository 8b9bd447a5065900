/**
 * KvStore's group commit, without the queue: what each append costs of one
 * atomic commit's limits, the runs a group is cut into so each fits, and the
 * writes of one run; twins (the same nonce twice in one group) are answered
 * together.
 */
import type { MessageEvent } from "../../protocol/events.ts";
import { formatId } from "../../chat/ids.ts";
import {
  type AppendInput,
  type AppendResult,
  NONCE_TTL_MS,
  toMessage,
} from "../../store/store.ts";
import { trimPosition } from "./changes.ts";
import { expireLater } from "./expiry.ts";

/**
 * What one atomic commit may hold: Deno KV allows 100 checks, 1,000
 * mutations, 819,200 bytes of keys and values and 81,920 bytes of keys;
 * sizes here are estimates, hence the margin; one check and one mutation
 * are kept for the room count.
 */
const COMMIT_LIMITS: Cost = {
  checks: 99,
  mutations: 999,
  bytes: 780_000,
  keyBytes: 78_000,
};

/** What a commit, or a part of one, takes of Deno KV's limits. */
export interface Cost {
  checks: number;
  mutations: number;
  /** Keys and values, the way Deno KV totals a commit. */
  bytes: number;
  keyBytes: number;
}

/** One append waiting for its commit. */
export interface Pending {
  room: string;
  input: AppendInput;
  nonceKey?: Deno.KvKey;
  /** Appends of the same group with the same room, key and nonce: answered as duplicates of this one. */
  twins: Pending[];
  resolve(result: AppendResult): void;
  reject(error: unknown): void;
}

/** Key of a room's sequence counter, which moves with every message. */
export function seqKey(room: string): Deno.KvKey {
  return ["seq", room];
}

const encoder = new TextEncoder();

/** Upper bound of the encoded size of a key. */
function keySize(key: Deno.KvKey): number {
  let size = 0;
  for (const part of key) {
    size += typeof part === "string"
      ? encoder.encode(part).length + part.split("\0").length + 1
      : 12;
  }
  return size;
}

/** Upper bound of the size of a string in V8's serialisation. */
function stringSize(text: string): number {
  return (/[\u0100-\uffff]/.test(text) ? 2 * text.length : text.length) + 6;
}

/** Upper bound of the serialised size of the message an input becomes. */
function messageSize(room: string, input: AppendInput): number {
  return 128 + stringSize(room) + stringSize(input.username) +
    stringSize(input.text) +
    (input.nonce === undefined ? 0 : stringSize(input.nonce)) +
    (input.owner === undefined ? 0 : stringSize(input.owner)) +
    (input.replyTo === undefined ? 0 : stringSize(input.replyTo));
}

function roomCost(room: string): Cost {
  const seq = keySize(seqKey(room));
  const last = keySize(["last", room]);
  return {
    checks: 1,
    mutations: 2,
    bytes: 3 * seq + 2 * last + 40,
    keyBytes: 2 * seq + last,
  };
}

function appendCost(
  append: Pending,
  options: { trims: boolean; expires: boolean },
): Cost {
  const msg = keySize(["msg", append.room, formatId(0)]);
  const nonce = append.nonceKey ? keySize(append.nonceKey) : 0;
  const trim = options.trims ? 2 : 0;
  const expiring = options.expires ? 1 : 0;
  const nonces = append.nonceKey ? 1 : 0;
  return {
    checks: 0,
    mutations: 1 + 3 * nonces + trim + 2 * expiring,
    bytes: (2 + trim) * msg + messageSize(append.room, append.input) +
      nonces * (6 * nonce + 120) + expiring * (4 * msg + 80),
    keyBytes: (1 + trim) * msg + nonces * (3 * nonce + 40) +
      expiring * (2 * msg + 40),
  };
}

function fits(total: Cost, more: Cost): boolean {
  return total.checks + more.checks <= COMMIT_LIMITS.checks &&
    total.mutations + more.mutations <= COMMIT_LIMITS.mutations &&
    total.bytes + more.bytes <= COMMIT_LIMITS.bytes &&
    total.keyBytes + more.keyBytes <= COMMIT_LIMITS.keyBytes;
}

function emptyCost(): Cost {
  return { checks: 0, mutations: 0, bytes: 0, keyBytes: 0 };
}

/** Adds `more` to `total`, and returns `total`. */
function add(total: Cost, more: Cost): Cost {
  total.checks += more.checks;
  total.mutations += more.mutations;
  total.bytes += more.bytes;
  total.keyBytes += more.keyBytes;
  return total;
}

/** Folds appends repeating an earlier one's room, key and nonce into its twins. */
export function collapseTwins(group: Pending[]): Pending[] {
  const first = new Map<string, Pending>();
  const leaders: Pending[] = [];
  for (const append of group) {
    if (!append.nonceKey) {
      leaders.push(append);
      continue;
    }
    const id = JSON.stringify(append.nonceKey);
    const leader = first.get(id);
    if (leader) {
      leader.twins.push(append);
    } else {
      first.set(id, append);
      leaders.push(append);
    }
  }
  return leaders;
}

/** Answers an append and its twins (those as duplicates). */
export function settle(
  append: Pending,
  result: { message: MessageEvent; duplicate: boolean },
): void {
  const { message, duplicate } = result;
  append.resolve({ message, duplicate });
  for (const twin of append.twins) twin.resolve({ message, duplicate: true });
}

/** Rejects appends and their twins with `error`. */
export function fail(appends: Pending[], error: unknown): void {
  for (const append of appends) {
    append.reject(error);
    for (const twin of append.twins) twin.reject(error);
  }
}

/** Splits a group, in order, into runs that fit in one commit each. */
export function planRuns(
  group: Pending[],
  options: {
    /** A room's counter as last read, when known. */
    seqOf: (room: string) => number | undefined;
    maxMessages: number;
    expires: boolean;
  },
): Pending[][] {
  const runs: Pending[][] = [];
  let run: Pending[] = [];
  let total = emptyCost();
  let inRun = new Set<string>();
  const predicted = new Map<string, number | undefined>();
  for (const append of group) {
    const { room } = append;
    const before = predicted.has(room)
      ? predicted.get(room)
      : options.seqOf(room);
    const cost = appendCost(append, {
      trims: before === undefined || before >= options.maxMessages,
      expires: options.expires,
    });
    const opening = add(roomCost(room), cost);
    let need = inRun.has(room) ? cost : opening;
    if (run.length > 0 && !fits(total, need)) {
      runs.push(run);
      run = [];
      total = emptyCost();
      inRun = new Set();
      need = opening;
    }
    run.push(append);
    add(total, need);
    inRun.add(room);
    predicted.set(room, before === undefined ? undefined : before + 1);
  }
  if (run.length > 0) runs.push(run);
  return runs;
}

/**
 * Writes one run of appends into `op`: each room's counter checked against
 * its versionstamp and moved, each message with its nonce, expiry and trim;
 * returns the messages written and the rooms' new counters.
 */
export function writeRun(
  op: Deno.AtomicOperation,
  options: {
    appends: Pending[];
    counterOf: (room: string) => { seq: number; versionstamp: string | null };
    maxMessages: number;
    messageTtlMs?: number;
  },
): { written: [Pending, MessageEvent][]; counters: Map<string, number> } {
  const { appends, maxMessages, messageTtlMs } = options;
  const counters = new Map<string, number>();
  const lastTs = new Map<string, number>();
  const written: [Pending, MessageEvent][] = [];
  for (const append of appends) {
    const { room, nonceKey } = append;
    let seq = counters.get(room);
    if (seq === undefined) {
      const counter = options.counterOf(room);
      op.check({
        key: seqKey(room),
        versionstamp: counter.versionstamp,
      });
      seq = counter.seq;
    }
    seq++;
    counters.set(room, seq);
    const message = toMessage(room, { ...append.input, id: formatId(seq) });
    lastTs.set(room, message.ts);
    const key = ["msg", room, message.id];
    const { owner } = append.input;
    op.set(key, owner === undefined ? message : { ...message, owner });
    if (messageTtlMs !== undefined) {
      expireLater(op, { key, ttlMs: messageTtlMs, now: message.ts });
    }
    if (nonceKey) {
      op.set(nonceKey, message.id);
      expireLater(op, {
        key: nonceKey,
        ttlMs: NONCE_TTL_MS,
        now: message.ts,
      });
    }
    if (seq > maxMessages) {
      trimPosition(op, { room, seq, maxMessages: maxMessages });
    }
    written.push([append, message]);
  }
  for (const [room, seq] of counters) {
    op.set(seqKey(room), BigInt(seq));
    op.set(["last", room], lastTs.get(room));
  }
  return { written, counters };
}
