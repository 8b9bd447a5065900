/**
 * Every Redis key and channel name of the chat, in one place. A room's keys
 * all carry the hash tag `{room}`, so in a Redis Cluster they share one slot
 * and a room's Lua scripts never reach outside it.
 */
export class RedisKeys {
  readonly prefix: string;

  /** Keys start with `prefix` (default `chat:`), so deployments can share one Redis. */
  constructor(prefix = "chat:") {
    this.prefix = prefix;
  }

  /** Key of `room`'s `part`, in the room's slot. */
  room(room: string, part: string): string {
    return `${this.prefix}{${room}}:${part}`;
  }

  /** Counter of the room's message sequence. */
  seq(room: string): string {
    return this.room(room, "seq");
  }

  /** Stream holding the room's history (entry id `<seq>-0`). */
  log(room: string): string {
    return this.room(room, "log");
  }

  /** Stream of the room's changes (edits, deletions, reactions) in the same sequence. */
  changes(room: string): string {
    return this.room(room, "chg");
  }

  /** Hash of the current state of changed messages, by sequence number. */
  states(room: string): string {
    return this.room(room, "msg");
  }

  /** Written after a read so that `WAIT` can confirm the replicas hold what was read. */
  readMark(room: string): string {
    return this.room(room, "read");
  }

  /** A nonce already used by `scope` (client id or connection) in the room. */
  nonce(room: string, options: { scope: string; nonce: string }): string {
    return this.room(room, `nonce:${options.scope}:${options.nonce}`);
  }

  /** Hash of the names online in the room, each with its connections per server. */
  names(room: string): string {
    return this.room(room, "names");
  }

  /** Hash of the servers holding names in the room, each with the time its heartbeat ends. */
  servers(room: string): string {
    return this.room(room, "servers");
  }

  /** Hash of an invite, in the slot of its own code. */
  invite(code: string): string {
    return `${this.prefix}invite:{${code}}`;
  }

  /**
   * Key of a person's record of `kind` (`account`, `alike`, `cred`, `credby`,
   * `session`, `fail`, `challenge`): accounts, names and passkeys share the
   * `{people}` slot, so an account is created atomically in a cluster too;
   * sessions, failure windows and challenges are single keys.
   */
  person(kind: string, id: string): string {
    const slot = kind === "session" || kind === "fail" || kind === "challenge"
      ? ""
      : "{people}:";
    return `${this.prefix}${slot}${kind}:${id}`;
  }

  /** Pub/sub channel of the room's live events (sharded in a cluster). */
  events(room: string): string {
    return this.room(room, "events");
  }

  /**
   * Sorted set of rooms with people online, scored by the last heartbeat
   * naming them. The one key outside any room's slot; no room script touches
   * it. (Not `rooms`: that was a set before, and a server must not meet it.)
   */
  onlineRooms(): string {
    return `${this.prefix}online-rooms`;
  }
}
