/** localStorage access that never throws (private mode, storage full, no storage). */

/** The page's localStorage, or null where there is none. */
export function storage(): Storage | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}

/** The JSON value under `key`, or `fallback` when absent or unreadable. */
export function readJson<T>(key: string, fallback: T): T {
  try {
    const raw = storage()?.getItem(key);
    return raw ? JSON.parse(raw) as T : fallback;
  } catch {
    return fallback;
  }
}

/** Stores `value` as JSON under `key`; silently does nothing when storage fails. */
export function writeJson(key: string, value: unknown): void {
  try {
    storage()?.setItem(key, JSON.stringify(value));
  } catch {
    // private mode or storage full: nothing is remembered
  }
}
