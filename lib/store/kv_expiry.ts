/**
 * Expiry of Deno KV keys done here instead of with `expireIn`. Deno KV's own
 * expiry thread deletes expired keys in the background and panics (ending
 * the process) when that delete fails, as it does on a full disk; a key set
 * with {@linkcode expireLater} is deleted by {@linkcode KvSweeper} instead,
 * whose failures are reported and retried.
 */

/** First part of the index keys: `["expiry", <ms since epoch>, ...key]`. */
export const EXPIRY_PREFIX = "expiry";
/** Index entries handled per sweep. */
export const SWEEP_BATCH = 500;
/** Pairs of deletes per commit (Deno KV allows 1,000 mutations). */
const DELETES_PER_COMMIT = 100;

/** The index key that makes `key` expire at `at`. */
export function expiryKey(key: Deno.KvKey, at: number): Deno.KvKey {
  return [EXPIRY_PREFIX, at, ...key];
}

/** Adds to `op` the index entry that makes `key` expire in `ttlMs`; the key itself is set by the caller. */
export function expireLater(
  op: Deno.AtomicOperation,
  options: { key: Deno.KvKey; ttlMs: number; now?: number },
): void {
  op.set(
    expiryKey(options.key, (options.now ?? Date.now()) + options.ttlMs),
    0,
  );
}

/** Options of {@linkcode KvSweeper}. */
export interface KvSweeperOptions {
  /** How often to sweep (default 1 s). */
  intervalMs?: number;
  /** Told when a sweep fails (a full disk); the next one retries. */
  onError?(error: unknown): void;
}

/** Deletes the keys whose time has come, a bounded batch at a time. */
export class KvSweeper {
  #kv: Deno.Kv;
  #options: KvSweeperOptions;
  #timer?: ReturnType<typeof setInterval>;
  #running?: Promise<number>;

  /** Does nothing until {@linkcode start}. */
  constructor(kv: Deno.Kv, options: KvSweeperOptions = {}) {
    this.#kv = kv;
    this.#options = options;
  }

  /** Sweeps every `intervalMs` from now on (idempotent); the timer does not keep the process alive. */
  start(): void {
    if (this.#timer !== undefined) return;
    this.#timer = setInterval(() => {
      this.sweep().catch((error) => this.#options.onError?.(error));
    }, this.#options.intervalMs ?? 1000);
    Deno.unrefTimer(this.#timer);
  }

  /** Deletes up to {@linkcode SWEEP_BATCH} keys due by `now`; returns how many index entries it handled. */
  sweep(now = Date.now()): Promise<number> {
    this.#running ??= this.#sweep(now).finally(() => this.#running = undefined);
    return this.#running;
  }

  async #sweep(now: number): Promise<number> {
    const due: Deno.KvKey[] = [];
    const iter = this.#kv.list({
      start: [EXPIRY_PREFIX],
      end: [EXPIRY_PREFIX, now + 1],
    }, { limit: SWEEP_BATCH });
    for await (const entry of iter) due.push(entry.key);
    for (let i = 0; i < due.length; i += DELETES_PER_COMMIT) {
      const op = this.#kv.atomic();
      for (const key of due.slice(i, i + DELETES_PER_COMMIT)) {
        op.delete(key).delete(key.slice(2));
      }
      await op.commit();
    }
    return due.length;
  }

  /** Stops sweeping and waits for a sweep under way. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#running?.catch(() => {});
  }
}
