/**
 * Steady clients sending in a loop, one message in flight each, for tests
 * that break things under traffic; a message never acknowledged fails the
 * test that waits on the burst, never the whole file.
 */
import type { SteadyClient } from "./steady_client.ts";

/** How long a message may stay unacknowledged before its sender's loop fails. */
export const ACK_TIMEOUT_MS = 60_000;

/** A burst from {@linkcode pump}. */
export interface Burst {
  /** Throws the first failure of a sending loop (e.g. a message never acknowledged). */
  check(): void;
  /** Stops sending, waits for what is in flight, and throws the first failure. */
  stop(): Promise<void>;
}

/**
 * Keeps every client sending, one message in flight each, until stopped. A
 * message unacknowledged for {@linkcode ACK_TIMEOUT_MS} stops its loop; the failure is thrown
 * by {@linkcode Burst.check} and {@linkcode Burst.stop} (never left unhandled).
 */
export function pump(clients: SteadyClient[]): Burst {
  let running = true;
  let failure: unknown;
  const loops = clients.map(async (client) => {
    try {
      while (running) {
        client.send();
        await client.settled(ACK_TIMEOUT_MS);
      }
    } catch (error) {
      failure ??= error;
    }
  });
  const check = () => {
    if (failure !== undefined) throw failure;
  };
  return {
    check,
    async stop() {
      running = false;
      await Promise.all(loops);
      check();
    },
  };
}
