/** What the browser remembers between visits: the chosen name and a stable client id. */

import { MAX_TOKEN_LENGTH } from "../protocol/limits.ts";
import { readJson, storage, writeJson } from "./local_store.ts";

const USERNAME_KEY = "chat.username";
const CLIENT_ID_KEY = "chat.clientId";

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
    if (existing && existing.length <= MAX_TOKEN_LENGTH) return existing;
    const fresh = crypto.randomUUID();
    store?.setItem(CLIENT_ID_KEY, fresh);
    return fresh;
  } catch {
    return crypto.randomUUID();
  }
}

const LAST_READ_KEY = "chat.lastRead";
const MAX_LAST_READ = 50;

/** Id of the newest message the reader saw in `room`, if any. */
export function loadLastRead(room: string): string | null {
  const map = readJson<Record<string, unknown>>(LAST_READ_KEY, {});
  const id = map?.[room];
  return typeof id === "string" ? id : null;
}

/** Remembers the newest message the reader saw in `room` (a bounded number of rooms). */
export function saveLastRead(room: string, id: string): void {
  const map = readJson<Record<string, string>>(LAST_READ_KEY, {});
  if (map[room] !== undefined && map[room] >= id) return;
  delete map[room];
  map[room] = id;
  const keys = Object.keys(map);
  for (const key of keys.slice(0, Math.max(0, keys.length - MAX_LAST_READ))) {
    delete map[key];
  }
  writeJson(LAST_READ_KEY, map);
}

/** Cookie with the reader's time zone, so the server renders times as the browser will. */
export const TZ_COOKIE = "chat_tz";
/** Cookie with the reader's name, so the server renders their messages as their own. */
export const NAME_COOKIE = "chat_name";

/** Sets a year-long, site-wide cookie (encoded), when it changed. */
export function setCookie(name: string, value: string): void {
  try {
    const encoded = encodeURIComponent(value);
    if (readCookie(document.cookie, name) === value) return;
    document.cookie =
      `${name}=${encoded}; path=/; max-age=31536000; samesite=lax`;
  } catch {
    // cookies off: the server renders UTC times and neutral messages
  }
}

/** The decoded value of cookie `name` in a `Cookie` header, or null. */
export function readCookie(header: string | null, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq === -1 || part.slice(0, eq).trim() !== name) continue;
    try {
      return decodeURIComponent(part.slice(eq + 1).trim());
    } catch {
      return null;
    }
  }
  return null;
}
