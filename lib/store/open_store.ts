import type { Config } from "../config.ts";
import { BroadcastFanout, type Fanout, LocalFanout } from "../chat/fanout.ts";
import { KvFanout } from "../chat/kv_fanout.ts";
import { KvPresence } from "../chat/kv_presence.ts";
import { LocalPresence, type Presence } from "../chat/presence.ts";
import { RedisFanout } from "../chat/redis_fanout.ts";
import { RedisPresence } from "../chat/redis_presence.ts";
import { errorFields, type Logger } from "../log.ts";
import { KvStore } from "./kv.ts";
import { RedisStore } from "./redis.ts";
import { MemoryStore } from "./memory.ts";
import type { MessageStore } from "./store.ts";

/** The store, fan-out and presence a configuration asks for. */
export interface Backend {
  store: MessageStore;
  fanout: Fanout;
  presence: Presence;
}

/** Opens the configured store with the fan-out and presence that match it. */
export async function openBackend(
  config: Config,
  options: { log: Logger },
): Promise<Backend> {
  const { log } = options;
  const retention = { maxMessagesPerRoom: config.maxMessagesPerRoom };
  switch (config.store) {
    case "memory":
      return {
        store: new MemoryStore(retention),
        fanout: new LocalFanout(),
        presence: new LocalPresence(),
      };
    case "kv":
      return await openKv(config, log);
    case "redis":
      return await openRedis(config, log);
  }
}

/** Redis for everything: the server starts even while Redis is down, and recovers when it is back. */
async function openRedis(config: Config, log: Logger): Promise<Backend> {
  const onError = (error: unknown) =>
    log("error", "redis_unreachable", errorFields(error));
  const store = await RedisStore.open({
    url: config.redisUrl,
    maxMessagesPerRoom: config.maxMessagesPerRoom,
    waitForConnection: false,
    onError,
    onReconnect: () => log("info", "redis_reconnected", {}),
  });
  const fanout = await RedisFanout.open({
    url: config.redisUrl,
    publisher: store.client,
    onError,
  });
  const presence: RedisPresence = new RedisPresence({
    client: store.client,
    ttlMs: config.presenceTtlMs,
    onError: () => {},
    onExpired: (room, usernames) =>
      announceLeft(room, { usernames, presence, fanout }).catch(onError),
  });
  return { store, fanout, presence };
}

/**
 * Deno KV: a file locally, the managed database on Deploy; fan-out by
 * BroadcastChannel (default) or by watching KV; presence shared in KV.
 */
async function openKv(config: Config, log: Logger): Promise<Backend> {
  const onError = (error: unknown) =>
    log("error", "kv_failed", errorFields(error));
  const store = await KvStore.open({
    path: config.kvPath,
    maxMessagesPerRoom: config.maxMessagesPerRoom,
    messageTtlMs: config.messageTtlMs,
  });
  const fanout = config.fanout === "kv"
    ? new KvFanout(store.kv, { onError })
    : new BroadcastFanout();
  const presence: KvPresence = new KvPresence({
    kv: store.kv,
    ttlMs: config.presenceTtlMs,
    onError,
    onExpired: (room, usernames) =>
      announceLeft(room, { usernames, presence, fanout }).catch(onError),
  });
  return { store, fanout, presence };
}

/** Tells a room that the people of a vanished server left. */
async function announceLeft(
  room: string,
  options: { usernames: string[]; presence: Presence; fanout: Fanout },
): Promise<void> {
  const members = await options.presence.members(room);
  for (const username of options.usernames) {
    options.fanout.publish(room, {
      type: "left",
      username,
      ts: Date.now(),
      members,
    });
  }
}
