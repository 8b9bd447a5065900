/** What the room page knows about the reader's rights and the room's roles (browser-safe). */
import { canonicalName } from "../../protocol/names.ts";

/** The reader's standing and the room's settings, as rendered on the server. */
export interface RoomRights {
  /** `owner`, `moderator`, `admin`, or anything else (no moderation). */
  standing: string;
  owner: string | null;
  moderators: readonly string[];
  topic: string;
  visibility: "public" | "private";
  guests: boolean;
  slowModeS: number;
}

/** True when the reader may kick, ban and mute here. */
export function moderates(rights: RoomRights | undefined): boolean {
  return rights?.standing === "owner" || rights?.standing === "moderator" ||
    rights?.standing === "admin";
}

/** The role shown next to a name: `owner`, `moderator`, or none. */
export function roleOfName(
  rights: RoomRights | undefined,
  name: string,
): "owner" | "moderator" | null {
  if (!rights) return null;
  const canonical = canonicalName(name);
  if (rights.owner !== null && canonicalName(rights.owner) === canonical) {
    return "owner";
  }
  return rights.moderators.some((m) => canonicalName(m) === canonical)
    ? "moderator"
    : null;
}

/** May the reader moderate `name`: never the owner or themselves; a moderator only as owner or admin. */
export function mayModerateName(
  rights: RoomRights | undefined,
  options: { name: string; self: string | null },
): boolean {
  if (!moderates(rights)) return false;
  if (
    options.self !== null &&
    canonicalName(options.self) === canonicalName(options.name)
  ) return false;
  const role = roleOfName(rights, options.name);
  if (role === "owner") return false;
  if (role === "moderator") {
    return rights!.standing === "owner" || rights!.standing === "admin";
  }
  return true;
}

/** A JSON call to the room API from the page; the status and the parsed body (or null). */
export async function roomApi(
  path: string,
  options: { method?: string; body?: unknown } = {},
  // deno-lint-ignore no-explicit-any
): Promise<{ status: number; body: any }> {
  const res = await fetch(path, {
    method: options.method ?? "GET",
    headers: options.body === undefined
      ? {}
      : { "content-type": "application/json" },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await res.text();
  try {
    return { status: res.status, body: text ? JSON.parse(text) : null };
  } catch {
    return { status: res.status, body: null };
  }
}

/** Durations offered for bans and mutes, in seconds (0: a ban with no end). */
export const DURATIONS: readonly { seconds: number; label: string }[] = [
  { seconds: 300, label: "5 minutes" },
  { seconds: 3600, label: "1 hour" },
  { seconds: 86_400, label: "1 day" },
  { seconds: 7 * 86_400, label: "1 week" },
  { seconds: 0, label: "Until lifted" },
];
