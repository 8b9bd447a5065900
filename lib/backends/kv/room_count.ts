/**
 * The number of rooms with stored messages in a Deno KV database, kept in
 * one entry that every commit creating a room checks and moves, so that
 * `CHAT_MAX_ROOMS` holds across processes.
 */

/** Key of the room count. */
export const ROOM_COUNT_KEY: Deno.KvKey = ["meta", "rooms"];

/** The room count as read, with the versionstamp a commit checks. */
export interface RoomCount {
  count: number;
  versionstamp: string | null;
}

/** A room count and what a commit makes it. */
export interface RoomCountChange extends RoomCount {
  next: number;
}

/**
 * Reads the room count; in a database written before it existed, counts the
 * rooms' sequence counters once (the commit that stores it checks it was
 * still absent).
 */
export async function readRoomCount(kv: Deno.Kv): Promise<RoomCount> {
  const entry = await kv.get<bigint>(ROOM_COUNT_KEY);
  if (entry.versionstamp !== null) {
    return { count: Number(entry.value), versionstamp: entry.versionstamp };
  }
  let count = 0;
  for await (const _ of kv.list({ prefix: ["seq"] })) count++;
  return { count, versionstamp: null };
}

/** Adds to `op` the check and the write of the new room count. */
export function countRooms(
  op: Deno.AtomicOperation,
  change: RoomCountChange,
): void {
  op.check({ key: ROOM_COUNT_KEY, versionstamp: change.versionstamp })
    .set(ROOM_COUNT_KEY, BigInt(change.next));
}
