import type { Config } from "../config.ts";
import type { Logger } from "../log.ts";
import type { Backend } from "./backend.ts";
import { openKv } from "./kv/open.ts";
import { openMemory } from "./memory/open.ts";

/** Opens the backend `CHAT_STORE` names, with everything it provides. */
export async function openBackend(
  config: Config,
  options: { log: Logger },
): Promise<Backend> {
  switch (config.store) {
    case "memory":
      return openMemory(config);
    case "kv":
      return await openKv(config, options);
    case "redis": {
      const { openRedis } = await import("./redis/open.ts");
      return await openRedis(config, options);
    }
  }
}
