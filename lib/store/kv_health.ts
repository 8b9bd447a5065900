/**
 * Whether a Deno KV database still takes writes. A read answers on a full
 * disk and even a small write may pass, so `/healthz` asks this: healthy
 * until a write fails, then unhealthy until a probe as large as the largest
 * frame is written again. Probes run only after a failure, at most once per
 * {@linkcode WRITE_PROBE_INTERVAL_MS}, so health checks stay cheap.
 */

/** Least time between two write probes. */
export const WRITE_PROBE_INTERVAL_MS = 2_000;
/** Bytes of a write probe: a frame's limit, so a message would fit too. */
export const WRITE_PROBE_BYTES = 16_384;
const PROBE_KEY: Deno.KvKey = ["probe", "health"];

/** Tracks write failures of one database handle. */
export class WriteHealth {
  #kv: Deno.Kv;
  #failure?: unknown;
  #probedAt = -Infinity;

  /** Healthy until told otherwise. */
  constructor(kv: Deno.Kv) {
    this.#kv = kv;
  }

  /** A write failed. */
  failed(error: unknown): void {
    this.#failure = error;
  }

  /** A write went through. */
  succeeded(): void {
    this.#failure = undefined;
  }

  /** Throws while writes fail; after a failure, probes with a real write at most every {@linkcode WRITE_PROBE_INTERVAL_MS}. */
  async check(): Promise<void> {
    if (this.#failure === undefined) return;
    const now = Date.now();
    if (now - this.#probedAt >= WRITE_PROBE_INTERVAL_MS) {
      this.#probedAt = now;
      try {
        await this.#kv.set(PROBE_KEY, new Uint8Array(WRITE_PROBE_BYTES));
        await this.#kv.delete(PROBE_KEY);
        this.#failure = undefined;
        return;
      } catch (error) {
        this.#failure = error;
      }
    }
    const reason = this.#failure instanceof Error
      ? this.#failure.message
      : String(this.#failure);
    throw new Error(`writes are failing: ${reason}`);
  }
}
