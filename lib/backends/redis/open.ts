import { RedisFanout } from "./fanout.ts";
import { RedisPresence } from "./presence.ts";
import type { Config } from "../../config.ts";
import { RedisAccounts } from "./accounts.ts";
import { errorFields, type Logger } from "../../log.ts";
import { announcingPresence, type Backend } from "../backend.ts";
import { RedisStore } from "./store.ts";
import { RedisRooms } from "./rooms.ts";

/**
 * Redis for everything: the server starts even while Redis is down, and
 * recovers when it is back. Loaded only when asked for, since the client
 * library costs start-up time and memory.
 */
export async function openRedis(
  config: Config,
  options: { log: Logger },
): Promise<Backend> {
  const { log } = options;
  const onError = (error: unknown) =>
    log("error", "redis_unreachable", errorFields(error));
  const connect = config.redisClusterNodes.length > 0
    ? { clusterNodes: config.redisClusterNodes }
    : { url: config.redisUrl };
  const store = await RedisStore.open({
    ...connect,
    waitReplicas: config.redisWaitReplicas,
    maxMessagesPerRoom: config.maxMessagesPerRoom,
    waitForConnection: false,
    onError,
    onReconnect: () => log("info", "redis_reconnected", {}),
  });
  const fanout = await RedisFanout.open({
    connect,
    publisher: store.client,
    onError,
  });
  const presence = announcingPresence(
    (onExpired) =>
      new RedisPresence({
        client: store.client,
        ttlMs: config.presenceTtlMs,
        onError: () => {},
        onExpired,
      }),
    { fanout, onError },
  );
  return {
    store,
    fanout,
    presence,
    accounts: new RedisAccounts(store.client),
    rooms: new RedisRooms(store.client),
  };
}
