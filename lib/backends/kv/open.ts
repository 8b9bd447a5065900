import { BroadcastFanout } from "../../chat/fanout.ts";
import type { Config } from "../../config.ts";
import { errorFields, type Logger, throttledLogger } from "../../log.ts";
import { kvPathError } from "../../start_error.ts";
import { announcingPresence, type Backend } from "../backend.ts";
import { KvAccounts } from "./accounts.ts";
import { KvFanout } from "./fanout.ts";
import { KvPresence } from "./presence.ts";
import { KvRooms } from "./rooms.ts";
import { KvStore } from "./store.ts";

/**
 * Deno KV: a file locally, the managed database on Deploy; fan-out by
 * BroadcastChannel (default) or by watching KV; presence shared in KV.
 */
export async function openKv(
  config: Config,
  options: { log: Logger },
): Promise<Backend> {
  const { log } = options;
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
  const presence = announcingPresence(
    (onExpired) =>
      new KvPresence({
        kv: store.kv,
        ttlMs: config.presenceTtlMs,
        onError,
        onExpired,
      }),
    { fanout, onError },
  );
  return {
    store,
    fanout,
    presence,
    accounts: new KvAccounts(store.kv),
    rooms: new KvRooms(store.kv),
  };
}
