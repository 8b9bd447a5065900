/**
 * Whether a Deno KV database still takes writes, for `/healthz`. A read
 * answers on a full disk, and so may a write that SQLite fits into pages it
 * already holds (its WAL is reused), so this relies on two signals: a failed
 * write makes it unhealthy at once, and a probe, at most once per
 * {@linkcode WRITE_PROBE_INTERVAL_MS} whoever asks, writes
 * {@linkcode WRITE_PROBE_BYTES} to a new file beside the database (a real
 * allocation on its disk), or to the database itself where only the file may
 * be written (and on Deno Deploy). A passing probe clears an earlier failure.
 */

/** Least time between two write probes. */
export const WRITE_PROBE_INTERVAL_MS = 2_000;
/** Bytes of a write probe: a frame's limit, so a message would fit too. */
export const WRITE_PROBE_BYTES = 16_384;
const PROBE_KEY: Deno.KvKey = ["probe", "health"];

/**
 * True for failures of the storage underneath (a full disk, I/O, a
 * read-only file), false for a refused operation (a value too large), which
 * a client's input might cause and which must not take the server out of
 * its balancer.
 */
export function isStorageFailure(error: unknown): boolean {
  const text = error instanceof Error ? error.message : String(error);
  return /disk is full|no space|ENOSPC|I\/O|readonly|read-only|EROFS|unable to open|database is closed|corrupt/i
    .test(text);
}

/** Tracks whether one database handle can write. */
export class WriteHealth {
  #kv: Deno.Kv;
  #file?: string;
  #failure?: unknown;
  #probedAt = -Infinity;
  #probing: Promise<void> = Promise.resolve();

  /** `file` is the database's path, when it is a file. */
  constructor(kv: Deno.Kv, options: { file?: string } = {}) {
    this.#kv = kv;
    this.#file = options.file;
  }

  /** A write failed. */
  failed(error: unknown): void {
    this.#failure = error;
  }

  /** Throws while writes fail; probes at most every {@linkcode WRITE_PROBE_INTERVAL_MS}. */
  async check(): Promise<void> {
    const now = Date.now();
    if (now - this.#probedAt >= WRITE_PROBE_INTERVAL_MS) {
      this.#probedAt = now;
      this.#probing = this.#probe();
    }
    await this.#probing;
    if (this.#failure === undefined) return;
    const reason = this.#failure instanceof Error
      ? this.#failure.message
      : String(this.#failure);
    throw new Error(`writes are failing: ${reason}`);
  }

  async #probe(): Promise<void> {
    try {
      if (this.#file === undefined || !(await this.#probeFile(this.#file))) {
        await this.#kv.set(PROBE_KEY, new Uint8Array(WRITE_PROBE_BYTES));
        await this.#kv.delete(PROBE_KEY);
      }
      this.#failure = undefined;
    } catch (error) {
      this.#failure = error;
    }
  }

  /** Writes and removes a probe file; false when this process may not write beside the database. */
  async #probeFile(file: string): Promise<boolean> {
    const probe = `${file}.health-${crypto.randomUUID().slice(0, 8)}`;
    try {
      await Deno.writeFile(probe, new Uint8Array(WRITE_PROBE_BYTES));
    } catch (error) {
      await Deno.remove(probe).catch(() => {});
      if (error instanceof Deno.errors.NotCapable) {
        this.#file = undefined;
        return false;
      }
      throw error;
    }
    await Deno.remove(probe);
    return true;
  }
}
