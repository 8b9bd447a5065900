import { command, type RedisClient, type Reply, Script } from "./client.ts";
import { RedisKeys } from "./keys.ts";
import {
  type AuditEntry,
  type Invite,
  INVITE_GRACE_MS,
  type InviteUse,
  MAX_AUDIT_ENTRIES,
  type Membership,
  mergeKeys,
  type RoomSettings,
  type RoomStore,
  type Sanction,
  type SanctionKind,
  SEEN_TTL_MS,
  type SettingsPatch,
  strongest,
} from "../../rooms/room_store.ts";

/** Sets fields of a hash that exists; 0 when it does not. */
const UPDATE = new Script(`
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV))
return 1
`);

/** Sets every field of a hash that does not exist yet; 0 when it does. */
const CREATE = new Script(`
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV))
return 1
`);

/** Uses an invite once: `unknown`, `gone`, or the room. */
const USE_INVITE = new Script(`
local invite = redis.call('HMGET', KEYS[1], 'room', 'uses', 'maxUses', 'expiresAt')
if not invite[1] then return {'unknown'} end
if tonumber(invite[2]) >= tonumber(invite[3]) or tonumber(invite[4]) <= tonumber(ARGV[1]) then
  return {'gone'}
end
redis.call('HINCRBY', KEYS[1], 'uses', 1)
return {'ok', invite[1]}
`);

/** Keeps the first `since` of a membership. */
const ADD_MEMBER = new Script(`
local held = redis.call('HGET', KEYS[1], ARGV[1])
if held then
  local since = cjson.decode(held).since
  local member = cjson.decode(ARGV[2])
  member.since = since
  redis.call('HSET', KEYS[1], ARGV[1], cjson.encode(member))
else
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
end
return 1
`);

/** A hash reply: a flat list of names and values, or (by client version) an object or a map. */
function pairs(reply: unknown): Map<string, string> {
  if (reply instanceof Map) return reply as Map<string, string>;
  if (!Array.isArray(reply)) {
    return new Map(Object.entries(reply as Record<string, string> ?? {}));
  }
  const list = reply as string[];
  const map = new Map<string, string>();
  for (let i = 0; i + 1 < list.length; i += 2) map.set(list[i], list[i + 1]);
  return map;
}

/**
 * Rooms with access in Redis. Every key of a room carries the room as its
 * hash tag (`{room}`), so a Redis Cluster keeps them in one slot; an
 * invite lives under its own code.
 */
export class RedisRooms implements RoomStore {
  #client: RedisClient;
  #keys: RedisKeys;

  /** Uses `client` (shared with the message store); keys start with `prefix` (default `chat:`). */
  constructor(client: RedisClient, options: { prefix?: string } = {}) {
    this.#client = client;
    this.#keys = new RedisKeys(options.prefix);
  }

  #key(room: string, part: string): string {
    return this.#keys.room(room, part);
  }

  #run(args: string[]): Promise<Reply> {
    return command(this.#client, args);
  }

  async get(room: string): Promise<RoomSettings | null> {
    const fields = pairs(
      await this.#run(["HGETALL", this.#key(room, "settings")]),
    );
    if (fields.size === 0) return null;
    const settings: Record<string, unknown> = {};
    for (const [name, value] of fields) settings[name] = JSON.parse(value);
    return settings as unknown as RoomSettings;
  }

  async create(settings: RoomSettings): Promise<boolean> {
    return await CREATE.run(this.#client, {
      keys: [this.#key(settings.room, "settings")],
      args: Object.entries(settings).flatMap((
        [name, value],
      ) => [name, JSON.stringify(value)]),
    }) === 1;
  }

  async update(
    room: string,
    patch: SettingsPatch,
  ): Promise<RoomSettings | null> {
    const args = Object.entries(patch).filter(([, v]) => v !== undefined)
      .flatMap(([name, value]) => [name, JSON.stringify(value)]);
    if (args.length > 0) {
      const done = await UPDATE.run(this.#client, {
        keys: [this.#key(room, "settings")],
        args,
      });
      if (done !== 1) return null;
    }
    return await this.get(room);
  }

  async addMember(room: string, member: Membership): Promise<void> {
    await ADD_MEMBER.run(this.#client, {
      keys: [this.#key(room, "members")],
      args: [member.key, JSON.stringify(member)],
    });
  }

  async removeMember(room: string, key: string): Promise<boolean> {
    return await this.#run(["HDEL", this.#key(room, "members"), key]) === 1;
  }

  async member(
    room: string,
    keys: readonly string[],
  ): Promise<Membership | null> {
    if (keys.length === 0) return null;
    const found = await this.#run([
      "HMGET",
      this.#key(room, "members"),
      ...keys,
    ]) as (string | null)[];
    const hit = found.find((value) => value !== null);
    return hit ? JSON.parse(hit) : null;
  }

  async members(room: string): Promise<Membership[]> {
    const fields = pairs(
      await this.#run(["HGETALL", this.#key(room, "members")]),
    );
    return [...fields.values()].map((value) => JSON.parse(value) as Membership)
      .sort((a, b) => a.since - b.since);
  }

  #invite(code: string): string {
    return this.#keys.invite(code);
  }

  async createInvite(invite: Invite): Promise<void> {
    const key = this.#invite(invite.code);
    await this.#run([
      "HSET",
      key,
      "room",
      invite.room,
      "by",
      invite.by,
      "uses",
      String(invite.uses),
      "maxUses",
      String(invite.maxUses),
      "expiresAt",
      String(invite.expiresAt),
    ]);
    await this.#run([
      "PEXPIREAT",
      key,
      String(invite.expiresAt + INVITE_GRACE_MS),
    ]);
  }

  async useInvite(code: string, now: number): Promise<InviteUse> {
    const [outcome, room] = await USE_INVITE.run(this.#client, {
      keys: [this.#invite(code)],
      args: [String(now)],
    }) as string[];
    if (outcome === "ok") return { ok: true, room };
    return { ok: false, reason: outcome === "gone" ? "gone" : "unknown" };
  }

  async sanction(
    room: string,
    options: { keys: readonly string[]; sanction: Sanction },
  ): Promise<void> {
    if (options.keys.length === 0) return;
    const value = JSON.stringify(options.sanction);
    await this.#run([
      "HSET",
      this.#key(room, "sanctions"),
      ...options.keys.flatMap((
        key,
      ) => [`${options.sanction.kind}:${key}`, value]),
    ]);
  }

  async lift(
    room: string,
    options: { keys: readonly string[]; kind: SanctionKind },
  ): Promise<number> {
    if (options.keys.length === 0) return 0;
    return await this.#run([
      "HDEL",
      this.#key(room, "sanctions"),
      ...options.keys.map((key) => `${options.kind}:${key}`),
    ]) as number;
  }

  async sanctions(
    room: string,
    options: { keys: readonly string[]; now: number },
  ): Promise<Sanction[]> {
    if (options.keys.length === 0) return [];
    const fields = options.keys.flatMap((key) => [`ban:${key}`, `mute:${key}`]);
    const found = await this.#run([
      "HMGET",
      this.#key(room, "sanctions"),
      ...fields,
    ]) as (string | null)[];
    const expired: string[] = [];
    const sanctions: Sanction[] = [];
    found.forEach((value, i) => {
      if (value === null) return;
      const sanction = JSON.parse(value) as Sanction;
      if (sanction.until !== null && sanction.until <= options.now) {
        expired.push(fields[i]);
      } else sanctions.push(sanction);
    });
    if (expired.length > 0) {
      await this.#run(["HDEL", this.#key(room, "sanctions"), ...expired]);
    }
    return strongest(sanctions, options.now);
  }

  async remember(
    room: string,
    options: { canonical: string; keys: readonly string[] },
  ): Promise<void> {
    const key = this.#key(room, `seen:${options.canonical}`);
    const known = await this.#run(["GET", key]) as string | null;
    await this.#run([
      "SET",
      key,
      JSON.stringify(mergeKeys(known ? JSON.parse(known) : [], options.keys)),
      "PX",
      String(SEEN_TTL_MS),
    ]);
  }

  async recall(room: string, canonical: string): Promise<string[]> {
    const known = await this.#run([
      "GET",
      this.#key(room, `seen:${canonical}`),
    ]) as string | null;
    return known ? JSON.parse(known) : [];
  }

  async audit(room: string, entry: AuditEntry): Promise<void> {
    const key = this.#key(room, "audit");
    await this.#run(["LPUSH", key, JSON.stringify(entry)]);
    await this.#run(["LTRIM", key, "0", String(MAX_AUDIT_ENTRIES - 1)]);
  }

  async auditLog(room: string, limit: number): Promise<AuditEntry[]> {
    const entries = await this.#run([
      "LRANGE",
      this.#key(room, "audit"),
      "0",
      String(limit - 1),
    ]) as string[];
    return entries.map((entry) => JSON.parse(entry));
  }

  async takeSlot(
    room: string,
    options: { key: string; ms: number },
  ): Promise<boolean> {
    const taken = await this.#run([
      "SET",
      this.#key(room, `slot:${options.key}`),
      "1",
      "PX",
      String(Math.max(1, options.ms)),
      "NX",
    ]);
    return taken === "OK";
  }
}
