import type { Config } from "../config.ts";
import { BroadcastFanout, LocalFanout } from "../chat/fanout.ts";
import { KvFanout } from "../chat/kv_fanout.ts";
import { KvPresence } from "../chat/kv_presence.ts";
import { LocalPresence } from "../chat/presence.ts";
import { errorFields, type Logger, throttledLogger } from "../log.ts";
import { KvAccounts } from "../people/kv_accounts.ts";
import { MemoryAccounts } from "../people/memory_accounts.ts";
import { kvPathError } from "../start_error.ts";
import { KvStore } from "./kv.ts";
import { MemoryStore } from "./memory.ts";
import { announceLeft, type Backend } from "./backend.ts";
import { KvRooms } from "../rooms/kv_rooms.ts";
import { MemoryRooms } from "../rooms/memory_rooms.ts";

/** Opens the configured store with the fan-out and presence that match it. */
export async function openBackend(
  config: Config,
  options: { log: Logger },
): Promise<Backend> {
  const { log } = options;
  const retention = {
    maxMessagesPerRoom: config.maxMessagesPerRoom,
    maxRooms: config.maxRooms,
  };
  switch (config.store) {
    case "memory":
      return {
        store: new MemoryStore(retention),
        fanout: new LocalFanout(),
        presence: new LocalPresence(),
        accounts: new MemoryAccounts(),
        rooms: new MemoryRooms(),
      };
    case "kv":
      return await openKv(config, log);
    case "redis": {
      const { openRedis } = await import("./open_redis.ts");
      return await openRedis(config, { log });
    }
  }
}

/**
 * Deno KV: a file locally, the managed database on Deploy; fan-out by
 * BroadcastChannel (default) or by watching KV; presence shared in KV.
 */
async function openKv(config: Config, log: Logger): Promise<Backend> {
  const quieter = throttledLogger(log);
  const onError = (error: unknown) =>
    quieter("error", "kv_failed", errorFields(error));
  let store: KvStore;
  try {
    store = await KvStore.open({
      path: config.kvPath,
      maxMessagesPerRoom: config.maxMessagesPerRoom,
      maxRooms: config.maxRooms,
      onError,
      messageTtlMs: config.messageTtlMs,
    });
  } catch (error) {
    throw config.kvPath === undefined
      ? error
      : kvPathError(error, config.kvPath);
  }
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
  return {
    store,
    fanout,
    presence,
    accounts: new KvAccounts(store.kv),
    rooms: new KvRooms(store.kv),
  };
}
