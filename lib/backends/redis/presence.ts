import { type Clock, repeat, systemClock } from "../../clock.ts";
import { command, type RedisClient, Script } from "./client.ts";
import { RedisKeys } from "./keys.ts";
import { sortNames } from "../../protocol/names.ts";
import {
  type ClaimOutcome,
  type Identity,
  type OnlineRoom,
  type Presence,
  type RosterEntry,
  sortRoster,
} from "../../chat/presence.ts";

/** Options of {@linkcode RedisPresence}. */
export interface RedisPresenceOptions {
  client: RedisClient;
  /** Key prefix (default `chat:`). */
  prefix?: string;
  /** A server that has not beaten its heart for this long is gone, and so are its people (default 15 s). */
  ttlMs?: number;
  /** Told which names vanished with a dead server, so the room hears they left. */
  onExpired?(room: string, usernames: string[]): void;
  onError?(error: unknown): void;
  /** Heartbeats and the ages of listed rooms; the real clock by default. */
  clock?: Clock;
}

/**
 * Shared head of the scripts. KEYS[1] is the room's names, KEYS[2] its
 * servers (server → end of its heartbeat, in ms of Redis time); ARGV[1] is
 * this server. Only keys of the room's slot are touched.
 */
const LIVE = `
local clock = redis.call("TIME")
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
local live = nil
local function alive(sid)
  if sid == ARGV[1] then return true end
  if not live then
    live = {}
    local all = redis.call("HGETALL", KEYS[2])
    for i = 1, #all, 2 do live[all[i]] = tonumber(all[i + 1]) > now end
  end
  return live[sid] == true
end
local function prune(rec)
  local any = false
  for sid, _ in pairs(rec.h) do
    if alive(sid) then any = true else rec.h[sid] = nil end
  end
  return any
end
local function beat(ttl)
  redis.call("HSET", KEYS[2], ARGV[1], now + tonumber(ttl))
end
`;

/** ARGV: server, ttl, canonical, username, clientId. */
const CLAIM = new Script(
  LIVE + `
beat(ARGV[2])
local raw = redis.call("HGET", KEYS[1], ARGV[3])
local rec = nil
if raw then
  rec = cjson.decode(raw)
  if not prune(rec) then rec = nil end
end
if rec then
  if ARGV[5] == "" or rec.c ~= ARGV[5] then return "taken" end
  rec.h[ARGV[1]] = (rec.h[ARGV[1]] or 0) + 1
  redis.call("HSET", KEYS[1], ARGV[3], cjson.encode(rec))
  return "again"
end
rec = {u = ARGV[4], c = ARGV[5], h = {[ARGV[1]] = 1}}
redis.call("HSET", KEYS[1], ARGV[3], cjson.encode(rec))
return "first"
`,
);

/** ARGV: server, canonical. Returns 1 when the name is gone everywhere. */
const RELEASE = new Script(
  LIVE + `
local raw = redis.call("HGET", KEYS[1], ARGV[2])
if not raw then return 0 end
local rec = cjson.decode(raw)
local mine = rec.h[ARGV[1]]
if not mine then return 0 end
if mine > 1 then rec.h[ARGV[1]] = mine - 1 else rec.h[ARGV[1]] = nil end
if prune(rec) then
  redis.call("HSET", KEYS[1], ARGV[2], cjson.encode(rec))
  return 0
end
redis.call("HDEL", KEYS[1], ARGV[2])
if redis.call("HLEN", KEYS[1]) == 0 then redis.call("DEL", KEYS[2]) end
return 1
`,
);

/** ARGV: server. Usernames with a live holder. */
const MEMBERS = new Script(
  LIVE + `
local names = {}
local all = redis.call("HGETALL", KEYS[1])
for i = 2, #all, 2 do
  local rec = cjson.decode(all[i])
  if prune(rec) then names[#names + 1] = rec.u end
end
return names
`,
);

/** ARGV: server. Username and key of each name with a live holder, flat. */
const ROSTER = new Script(
  LIVE + `
local out = {}
local all = redis.call("HGETALL", KEYS[1])
for i = 2, #all, 2 do
  local rec = cjson.decode(all[i])
  if prune(rec) then
    out[#out + 1] = rec.u
    out[#out + 1] = rec.c or ""
  end
end
return out
`,
);

/**
 * ARGV: server, ttl, scan. Beats this server's heart in the room; when
 * another server's heart has stopped (or `scan` is "1"), drops the names
 * only dead servers held and forgets the dead servers. Returns whether the
 * heart was still beating (not: Redis lost it, the claims must be written
 * again), then the names that vanished. A beat with every server alive reads
 * the servers alone, not every name.
 */
const BEAT = new Script(
  LIVE + `
local ends = redis.call("HGET", KEYS[2], ARGV[1])
local was = (ends ~= false and tonumber(ends) > now) and 1 or 0
beat(ARGV[2])
local servers = redis.call("HGETALL", KEYS[2])
local dead = {}
live = {}
for i = 1, #servers, 2 do
  local up = servers[i] == ARGV[1] or tonumber(servers[i + 1]) > now
  live[servers[i]] = up
  if not up then dead[#dead + 1] = servers[i] end
end
local gone = {}
if #dead == 0 and ARGV[3] ~= "1" then return {was, gone} end
local all = redis.call("HGETALL", KEYS[1])
for i = 1, #all, 2 do
  local rec = cjson.decode(all[i + 1])
  if not prune(rec) then
    redis.call("HDEL", KEYS[1], all[i])
    gone[#gone + 1] = rec.u
  end
end
for _, sid in ipairs(dead) do redis.call("HDEL", KEYS[2], sid) end
return {was, gone}
`,
);

/** ARGV: server, ttl, then canonical, username, clientId, count per name. */
const REASSERT = new Script(
  LIVE + `
beat(ARGV[2])
for i = 3, #ARGV, 4 do
  local raw = redis.call("HGET", KEYS[1], ARGV[i])
  local rec = raw and cjson.decode(raw) or {u = ARGV[i + 1], c = ARGV[i + 2], h = {}}
  rec.h[ARGV[1]] = tonumber(ARGV[i + 3])
  redis.call("HSET", KEYS[1], ARGV[i], cjson.encode(rec))
end
return 1
`,
);

/** KEYS: the room's servers; ARGV: server. Marks its heart stopped, if it is listed. */
const STOP = new Script(`
if redis.call("HEXISTS", KEYS[1], ARGV[1]) == 1 then
  redis.call("HSET", KEYS[1], ARGV[1], 0)
end
return 1
`);

/** Most rooms named in one `ZADD` of the heartbeat. */
const ROOMS_PER_ZADD = 1000;
/**
 * Every this many heartbeats a server reads every name of its rooms even
 * when no server died there (a name left by a server of an older version,
 * which forgot itself at shutdown instead of marking its heart stopped).
 */
export const FULL_REAP_EVERY = 12;

interface LocalClaim {
  username: string;
  clientId: string;
  connections: number;
}

/**
 * Presence shared by every server through Redis: a hash of names per room,
 * each name with its connection count per server. A server beats its heart
 * in each room where it holds names (a hash of heartbeats per room, so a
 * room's scripts stay in its cluster slot); the names held only by servers
 * whose heartbeat ended are ignored and reaped, so a killed process leaves no
 * ghosts. A sorted set lists the rooms with people, refreshed by the beats.
 */
export class RedisPresence implements Presence {
  readonly server = crypto.randomUUID();
  #client: RedisClient;
  #keys: RedisKeys;
  #ttlMs: number;
  #claims = new Map<string, Map<string, LocalClaim>>();
  #stopBeating: () => void;
  #clock: Clock;
  #beats = 0;
  #options: RedisPresenceOptions;

  /** Starts the heartbeat. */
  constructor(options: RedisPresenceOptions) {
    this.#options = options;
    this.#client = options.client;
    this.#keys = new RedisKeys(options.prefix);
    this.#ttlMs = options.ttlMs ?? 15_000;
    this.#clock = options.clock ?? systemClock;
    this.#stopBeating = repeat(
      () => this.#beat().catch((error) => this.#options.onError?.(error)),
      {
        everyMs: Math.max(50, Math.floor(this.#ttlMs / 3)),
        clock: this.#clock,
      },
    );
  }

  /** Per-room entries this server keeps (0 once it holds no name anywhere). */
  retained(): number {
    return this.#claims.size;
  }

  #roomKeys(room: string): string[] {
    return [this.#keys.names(room), this.#keys.servers(room)];
  }

  /** Beats in every room held here (writing the claims again where Redis lost them), reaps, and lists the rooms. */
  async #beat(): Promise<void> {
    const rooms = [...this.#claims.keys()];
    const scan = ++this.#beats % FULL_REAP_EVERY === 0 ? "1" : "0";
    await Promise.all(rooms.map(async (room) => {
      const [was, gone] = await BEAT.run(this.#client, {
        keys: this.#roomKeys(room),
        args: [this.server, String(this.#ttlMs), scan],
      }) as [number, string[]];
      if (was === 0) await this.#reassert(room);
      if (gone.length > 0) this.#options.onExpired?.(room, gone);
    }));
    await this.#list(rooms);
  }

  async #list(rooms: string[]): Promise<void> {
    const now = String(this.#clock.now());
    for (let i = 0; i < rooms.length; i += ROOMS_PER_ZADD) {
      const args = ["ZADD", this.#keys.onlineRooms()];
      for (const room of rooms.slice(i, i + ROOMS_PER_ZADD)) {
        args.push(now, room);
      }
      await command(this.#client, args);
    }
  }

  async #reassert(room: string): Promise<void> {
    const names = this.#claims.get(room);
    if (!names) return;
    const args = [this.server, String(this.#ttlMs)];
    for (const [canonical, claim] of names) {
      args.push(
        canonical,
        claim.username,
        claim.clientId,
        String(claim.connections),
      );
    }
    await REASSERT.run(this.#client, { keys: this.#roomKeys(room), args });
  }

  async claim(room: string, identity: Identity): Promise<ClaimOutcome> {
    const outcome = await CLAIM.run(this.#client, {
      keys: this.#roomKeys(room),
      args: [
        this.server,
        String(this.#ttlMs),
        identity.canonical,
        identity.username,
        identity.clientId ?? "",
      ],
    }) as ClaimOutcome;
    if (outcome !== "taken") {
      let names = this.#claims.get(room);
      if (!names) this.#claims.set(room, names = new Map());
      const claim = names.get(identity.canonical);
      if (claim) claim.connections++;
      else {
        names.set(identity.canonical, {
          username: identity.username,
          clientId: identity.clientId ?? "",
          connections: 1,
        });
      }
    }
    if (outcome === "first") {
      await this.#list([room]).catch((error) => this.#options.onError?.(error));
    }
    return outcome;
  }

  async release(room: string, canonical: string): Promise<boolean> {
    const names = this.#claims.get(room);
    const claim = names?.get(canonical);
    if (names && claim && --claim.connections === 0) {
      names.delete(canonical);
      if (names.size === 0) this.#claims.delete(room);
    }
    const last = await RELEASE.run(this.#client, {
      keys: this.#roomKeys(room),
      args: [this.server, canonical],
    });
    return last === 1;
  }

  async members(room: string): Promise<string[]> {
    const names = await MEMBERS.run(this.#client, {
      keys: this.#roomKeys(room),
      args: [this.server],
    }) as string[];
    return sortNames(names);
  }

  async roster(room: string): Promise<RosterEntry[]> {
    const flat = await ROSTER.run(this.#client, {
      keys: this.#roomKeys(room),
      args: [this.server],
    }) as string[];
    const entries: RosterEntry[] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) {
      entries.push({ username: flat[i], key: flat[i + 1] || undefined });
    }
    return sortRoster(entries);
  }

  /** Rooms listed by a heartbeat within two periods of the TTL, with their live names counted (one script per room, on its shard). */
  async rooms(): Promise<OnlineRoom[]> {
    const index = this.#keys.onlineRooms();
    await command(this.#client, [
      "ZREMRANGEBYSCORE",
      index,
      "-inf",
      `(${this.#clock.now() - 2 * this.#ttlMs}`,
    ]);
    const listed = await command(this.#client, [
      "ZRANGE",
      index,
      "0",
      "-1",
    ]) as string[];
    const counted = await Promise.all(
      listed.map(async (room) => ({
        room,
        online: (await this.members(room)).length,
      })),
    );
    return counted.filter((room) => room.online > 0);
  }

  /** Stops the heartbeat and marks this server's heart stopped in its rooms, so the next beat there reaps what it still held. */
  async close(): Promise<void> {
    this.#stopBeating();
    const rooms = [...this.#claims.keys()];
    this.#claims.clear();
    try {
      await Promise.all(
        rooms.map((room) =>
          STOP.run(this.#client, {
            keys: [this.#keys.servers(room)],
            args: [this.server],
          })
        ),
      );
    } catch {
      // Redis is down; the heartbeats end on their own
    }
  }
}
