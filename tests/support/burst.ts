/**
 * Steady clients sending in a loop, one message in flight each, for tests
 * that break things under traffic (a message never acknowledged fails the
 * test that waits on the burst, never the whole file), and the check of what
 * they got against the stored history.
 */
import assert from "node:assert/strict";
import type { SteadyClient } from "./steady_client.ts";
import type { Frame } from "./ws_client.ts";

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

/** Every acknowledged message is stored once; every client got the stored history once, in order. */
export function assertExactlyOnce(
  clients: SteadyClient[],
  history: Frame[],
): void {
  const ids = history.map((m) => m.id);
  assert.deepEqual([...ids].sort(), ids, "history in id order");
  const nonces = history.map((m) => m.nonce);
  assert.equal(new Set(nonces).size, nonces.length, "no message stored twice");
  for (const client of clients) {
    for (const nonce of client.acked.keys()) {
      assert.ok(nonces.includes(nonce), `acknowledged ${nonce} is stored`);
    }
    assert.deepEqual(
      client.received.map((m) => m.id),
      ids,
      `${client.username} got every message once, in order`,
    );
  }
}
