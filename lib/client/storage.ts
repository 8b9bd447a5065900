/** What the browser remembers between visits: the chosen name and a stable client id. */

const USERNAME_KEY = "chat.username";
const CLIENT_ID_KEY = "chat.clientId";

function storage(): Storage | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}

/** The name used last time, if any. */
export function loadUsername(): string | null {
  try {
    return storage()?.getItem(USERNAME_KEY) ?? null;
  } catch {
    return null;
  }
}

/** Remembers the name for the next visit. */
export function saveUsername(username: string): void {
  try {
    storage()?.setItem(USERNAME_KEY, username);
  } catch {
    // private mode or storage full: the name is simply asked again next time
  }
}

/** A random id kept in localStorage, so the tabs of one browser count as one person. */
export function loadClientId(): string {
  const store = storage();
  try {
    const existing = store?.getItem(CLIENT_ID_KEY);
    if (existing && existing.length <= 64) return existing;
    const fresh = crypto.randomUUID();
    store?.setItem(CLIENT_ID_KEY, fresh);
    return fresh;
  } catch {
    return crypto.randomUUID();
  }
}
