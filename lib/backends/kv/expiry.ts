/**
 * Expiry of Deno KV keys done here instead of with `expireIn`. Deno KV's own
 * expiry thread deletes expired keys in the background and panics (ending
 * the process) when that delete fails, as it does on a full disk; a key set
 * with {@linkcode expireLater} is deleted by {@linkcode KvSweeper} instead,
 * whose failures are reported and retried.
 *
 * Two entries per expiring key: `["expiry", at, ...key]` orders keys by
 * time for the sweep, `["expiry_of", ...key]` holds the key's current `at`,
 * so a key set again later (with a later time) is not deleted by its older
 * entry. A key set with {@linkcode expireLater} must always be (or have its
 * expiry dropped with {@linkcode keepForever}).
 */

/** First part of the time-ordered entries: `["expiry", <ms since epoch>, ...key]`. */
export const EXPIRY_PREFIX = "expiry";
/** First part of the per-key entries: `["expiry_of", ...key]` → ms since epoch. */
export const EXPIRY_OF_PREFIX = "expiry_of";
/** Time-ordered entries handled per sweep. */
export const SWEEP_BATCH = 500;
/** Entries per commit: up to three deletes and one check each (Deno KV allows 1,000 and 100). */
const ENTRIES_PER_COMMIT = 90;
/** Keys per `getMany`, Deno KV's limit. */
const READ_BATCH = 10;

/** The time-ordered entry that makes `key` expire at `at`. */
export function expiryKey(key: Deno.KvKey, at: number): Deno.KvKey {
  return [EXPIRY_PREFIX, at, ...key];
}

/** Adds to `op` what makes `key` expire in `ttlMs` (instead of `expireIn`); the key itself is set by the caller. */
export function expireLater(
  op: Deno.AtomicOperation,
  options: { key: Deno.KvKey; ttlMs: number; now?: number },
): void {
  const at = (options.now ?? Date.now()) + options.ttlMs;
  op.set(expiryKey(options.key, at), 0)
    .set([EXPIRY_OF_PREFIX, ...options.key], at);
}

/** Adds to `op` what cancels `key`'s expiry (when it is set again to stay, or deleted early). */
export function keepForever(op: Deno.AtomicOperation, key: Deno.KvKey): void {
  op.delete([EXPIRY_OF_PREFIX, ...key]);
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

  /** Handles up to {@linkcode SWEEP_BATCH} entries due by `now`; returns how many it handled. */
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
    let handled = 0;
    for (let i = 0; i < due.length; i += ENTRIES_PER_COMMIT) {
      const batch = due.slice(i, i + ENTRIES_PER_COMMIT);
      const current: Deno.KvEntryMaybe<number>[] = [];
      for (let j = 0; j < batch.length; j += READ_BATCH) {
        current.push(
          ...await this.#kv.getMany<number[]>(
            batch.slice(j, j + READ_BATCH).map((key) => [
              EXPIRY_OF_PREFIX,
              ...key.slice(2),
            ]),
          ),
        );
      }
      const op = this.#kv.atomic();
      batch.forEach((key, j) => {
        op.delete(key);
        if (current[j].value === key[1]) {
          op.check(current[j]).delete(current[j].key).delete(key.slice(2));
        }
      });
      if (!(await op.commit()).ok) return handled;
      handled += batch.length;
    }
    return handled;
  }

  /** Stops sweeping and waits for a sweep under way. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#running?.catch(() => {});
  }
}
