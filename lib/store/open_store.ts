import type { Config } from "../config.ts";
import { BroadcastFanout, type Fanout, LocalFanout } from "../chat/fanout.ts";
import { LocalPresence, type Presence } from "../chat/presence.ts";
import { KvStore } from "./kv.ts";
import { MemoryStore } from "./memory.ts";
import type { MessageStore } from "./store.ts";

/** The store, fan-out and presence a configuration asks for. */
export interface Backend {
  store: MessageStore;
  fanout: Fanout;
  presence: Presence;
}

/** Opens the configured store with the fan-out that matches it. */
export async function openBackend(config: Config): Promise<Backend> {
  const retention = { maxMessagesPerRoom: config.maxMessagesPerRoom };
  switch (config.store) {
    case "memory":
      return {
        store: new MemoryStore(retention),
        fanout: new LocalFanout(),
        presence: new LocalPresence(),
      };
    case "kv":
      return {
        store: await KvStore.open({ ...retention, path: config.kvPath }),
        fanout: new BroadcastFanout(),
        presence: new LocalPresence(),
      };
    case "redis":
      throw new Error("CHAT_STORE=redis is not available in this build yet");
  }
}
