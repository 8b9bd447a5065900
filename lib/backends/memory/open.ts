import { LocalFanout } from "../../chat/fanout.ts";
import { LocalPresence } from "../../chat/presence.ts";
import type { Config } from "../../config.ts";
import type { Backend } from "../backend.ts";
import { MemoryAccounts } from "./accounts.ts";
import { MemoryRooms } from "./rooms.ts";
import { MemoryStore } from "./store.ts";

/** Everything in this isolate's memory: nothing survives a restart, nothing is shared. */
export function openMemory(config: Config): Backend {
  return {
    store: new MemoryStore({
      maxMessagesPerRoom: config.maxMessagesPerRoom,
      maxRooms: config.maxRooms,
    }),
    fanout: new LocalFanout(),
    presence: new LocalPresence(),
    accounts: new MemoryAccounts(),
    rooms: new MemoryRooms(),
  };
}
