import { command, type RedisClient, Script } from "../store/redis_client.ts";
import { sortNames } from "./names.ts";
import {
  type ClaimOutcome,
  type Identity,
  type OnlineRoom,
  type Presence,
} from "./presence.ts";

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
}

const LIVE = `
local function alive(sid)
  return sid == ARGV[1] or redis.call("EXISTS", ARGV[2] .. sid) == 1
end
local function prune(rec)
  local any = false
  for sid, _ in pairs(rec.h) do
    if alive(sid) then any = true else rec.h[sid] = nil end
  end
  return any
end
`;

/** ARGV: server, serverPrefix, room, canonical, username, clientId, ttl. */
const CLAIM = new Script(
  LIVE + `
redis.call("SET", ARGV[2] .. ARGV[1], "1", "PX", ARGV[7])
local raw = redis.call("HGET", KEYS[1], ARGV[4])
local rec = nil
if raw then
  rec = cjson.decode(raw)
  if not prune(rec) then rec = nil end
end
if rec then
  if ARGV[6] == "" or rec.c ~= ARGV[6] then return "taken" end
  rec.h[ARGV[1]] = (rec.h[ARGV[1]] or 0) + 1
  redis.call("HSET", KEYS[1], ARGV[4], cjson.encode(rec))
  return "again"
end
rec = {u = ARGV[5], c = ARGV[6], h = {[ARGV[1]] = 1}}
redis.call("HSET", KEYS[1], ARGV[4], cjson.encode(rec))
redis.call("SADD", KEYS[2], ARGV[3])
return "first"
`,
);

/** ARGV: server, serverPrefix, room, canonical. Returns 1 when the name is gone everywhere. */
const RELEASE = new Script(
  LIVE + `
local raw = redis.call("HGET", KEYS[1], ARGV[4])
if not raw then return 0 end
local rec = cjson.decode(raw)
local mine = rec.h[ARGV[1]]
if not mine then return 0 end
if mine > 1 then rec.h[ARGV[1]] = mine - 1 else rec.h[ARGV[1]] = nil end
if prune(rec) then
  redis.call("HSET", KEYS[1], ARGV[4], cjson.encode(rec))
  return 0
end
redis.call("HDEL", KEYS[1], ARGV[4])
if redis.call("HLEN", KEYS[1]) == 0 then redis.call("SREM", KEYS[2], ARGV[3]) end
return 1
`,
);

/** ARGV: server, serverPrefix. Usernames with a live holder. */
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

/** ARGV: server, serverPrefix, room. Drops dead holders; returns the names that vanished. */
const REAP = new Script(
  LIVE + `
local gone = {}
local all = redis.call("HGETALL", KEYS[1])
for i = 1, #all, 2 do
  local rec = cjson.decode(all[i + 1])
  if not prune(rec) then
    redis.call("HDEL", KEYS[1], all[i])
    gone[#gone + 1] = rec.u
  end
end
if redis.call("HLEN", KEYS[1]) == 0 then redis.call("SREM", KEYS[2], ARGV[3]) end
return gone
`,
);

/** ARGV: server, serverPrefix, keyPrefix. Flat list of room, online. */
const ROOMS = new Script(
  LIVE + `
local out = {}
for _, room in ipairs(redis.call("SMEMBERS", KEYS[1])) do
  local count = 0
  local all = redis.call("HGETALL", ARGV[3] .. "{" .. room .. "}:names")
  for i = 2, #all, 2 do
    if prune(cjson.decode(all[i])) then count = count + 1 end
  end
  if count > 0 then
    out[#out + 1] = room
    out[#out + 1] = count
  end
end
return out
`,
);

/** ARGV: server, serverPrefix, room, then canonical, username, clientId, count per name. */
const REASSERT = new Script(
  LIVE + `
for i = 4, #ARGV, 4 do
  local raw = redis.call("HGET", KEYS[1], ARGV[i])
  local rec = raw and cjson.decode(raw) or {u = ARGV[i + 1], c = ARGV[i + 2], h = {}}
  rec.h[ARGV[1]] = tonumber(ARGV[i + 3])
  redis.call("HSET", KEYS[1], ARGV[i], cjson.encode(rec))
end
redis.call("SADD", KEYS[2], ARGV[3])
return 1
`,
);

interface LocalClaim {
  username: string;
  clientId: string;
  connections: number;
}

/**
 * Presence shared by every server through Redis: a hash of names per room,
 * each name with its connection count per server. Servers beat their heart
 * into a key that expires; the names held only by a server whose key is gone
 * are ignored and reaped, so a killed process leaves no ghosts.
 */
export class RedisPresence implements Presence {
  readonly server = crypto.randomUUID();
  #client: RedisClient;
  #prefix: string;
  #ttlMs: number;
  #claims = new Map<string, Map<string, LocalClaim>>();
  #timer: ReturnType<typeof setInterval>;
  #options: RedisPresenceOptions;

  /** Starts the heartbeat. */
  constructor(options: RedisPresenceOptions) {
    this.#options = options;
    this.#client = options.client;
    this.#prefix = options.prefix ?? "chat:";
    this.#ttlMs = options.ttlMs ?? 15_000;
    this.#timer = setInterval(
      () => this.#beat().catch((error) => this.#options.onError?.(error)),
      Math.max(50, Math.floor(this.#ttlMs / 3)),
    );
    this.#beat().catch((error) => this.#options.onError?.(error));
  }

  #names(room: string): string {
    return `${this.#prefix}{${room}}:names`;
  }

  #argv(...rest: string[]): string[] {
    return [this.server, `${this.#prefix}server:`, ...rest];
  }

  /** Refreshes this server's key; when it had vanished (Redis restarted), claims are written again. Then reaps. */
  async #beat(): Promise<void> {
    const previous = await command(this.#client, [
      "SET",
      `${this.#prefix}server:${this.server}`,
      "1",
      "PX",
      String(this.#ttlMs),
      "GET",
    ]);
    if (previous === null) await this.#reassert();
    for (const room of this.#claims.keys()) {
      const gone = await REAP.run(this.#client, {
        keys: [this.#names(room), `${this.#prefix}rooms`],
        args: this.#argv(room),
      }) as string[];
      if (gone.length > 0) this.#options.onExpired?.(room, gone);
    }
  }

  async #reassert(): Promise<void> {
    for (const [room, names] of this.#claims) {
      const args = this.#argv(room);
      for (const [canonical, claim] of names) {
        args.push(
          canonical,
          claim.username,
          claim.clientId,
          String(claim.connections),
        );
      }
      await REASSERT.run(this.#client, {
        keys: [this.#names(room), `${this.#prefix}rooms`],
        args,
      });
    }
  }

  async claim(room: string, identity: Identity): Promise<ClaimOutcome> {
    const outcome = await CLAIM.run(this.#client, {
      keys: [this.#names(room), `${this.#prefix}rooms`],
      args: this.#argv(
        room,
        identity.canonical,
        identity.username,
        identity.clientId ?? "",
        String(this.#ttlMs),
      ),
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
      keys: [this.#names(room), `${this.#prefix}rooms`],
      args: this.#argv(room, canonical),
    });
    return last === 1;
  }

  async members(room: string): Promise<string[]> {
    const names = await MEMBERS.run(this.#client, {
      keys: [this.#names(room)],
      args: this.#argv(),
    }) as string[];
    return sortNames(names);
  }

  async rooms(): Promise<OnlineRoom[]> {
    const flat = await ROOMS.run(this.#client, {
      keys: [`${this.#prefix}rooms`],
      args: this.#argv(this.#prefix),
    }) as (string | number)[];
    const rooms: OnlineRoom[] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) {
      rooms.push({ room: String(flat[i]), online: Number(flat[i + 1]) });
    }
    return rooms;
  }

  async close(): Promise<void> {
    clearInterval(this.#timer);
    try {
      await command(this.#client, [
        "DEL",
        `${this.#prefix}server:${this.server}`,
      ]);
    } catch {
      // Redis is down; the key expires on its own
    }
  }
}
