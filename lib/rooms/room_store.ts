/** Storage of rooms with access: settings, members, invites, bans, mutes, the audit log. */

/** Who may see a room. */
export type Visibility = "public" | "private";

/** A room's settings, as `GET /api/rooms/{room}` shows them. */
export interface RoomSettings {
  room: string;
  visibility: Visibility;
  /** The owner's account name, or null for a room nobody created. */
  owner: string | null;
  topic: string;
  /** May guests join. */
  guests: boolean;
  /** One message per person per this many seconds; 0 is off. */
  slowModeS: number;
  /** Account names of the room's moderators. */
  moderators: string[];
  createdAt: number;
}

/** The settings of a room nobody created. */
export function defaultSettings(room: string): RoomSettings {
  return {
    room,
    visibility: "public",
    owner: null,
    topic: "",
    guests: true,
    slowModeS: 0,
    moderators: [],
    createdAt: 0,
  };
}

/** The settings the owner may change. */
export type SettingsPatch = Partial<
  Pick<
    RoomSettings,
    "topic" | "visibility" | "guests" | "slowModeS" | "moderators"
  >
>;

/** One member of a room (by invite, token or the owner's hand). */
export interface Membership {
  /** Identity key: `a:<account>`, `t:<sub>`, `g:<clientId>`. */
  key: string;
  username: string;
  since: number;
}

/** An invite link's state. */
export interface Invite {
  code: string;
  room: string;
  by: string;
  expiresAt: number;
  maxUses: number;
  uses: number;
}

/** The outcome of using an invite. */
export type InviteUse =
  | { ok: true; room: string }
  | { ok: false; reason: "unknown" | "gone" };

/** A ban or a mute. */
export type SanctionKind = "ban" | "mute";

/** One ban or mute, held under each of the person's keys. */
export interface Sanction {
  kind: SanctionKind;
  /** The name the person had when it was given. */
  username: string;
  by: string;
  /** Epoch ms when it ends, or null (until lifted). */
  until: number | null;
  reason?: string;
}

/** One line of a room's audit log. */
export interface AuditEntry {
  action: string;
  by: string;
  target: string;
  ts: number;
  reason?: string;
}

/** Most entries kept in one room's audit log; older ones are dropped. */
export const MAX_AUDIT_ENTRIES = 1000;
/** How long the keys a name was last seen with are remembered (7 days). */
export const SEEN_TTL_MS = 7 * 24 * 3600_000;
/** How long a used-up or expired invite is still known (so it answers 410, not 404). */
export const INVITE_GRACE_MS = 7 * 24 * 3600_000;
/** Most keys remembered for one name. */
export const MAX_SEEN_KEYS = 4;

/** One interface, several backends (memory, Deno KV, Redis); see `conformance.ts`. */
export interface RoomStore {
  /** The stored settings, or null when nobody created the room. */
  get(room: string): Promise<RoomSettings | null>;
  /** Creates the room; false when it already has settings (atomic). */
  create(settings: RoomSettings): Promise<boolean>;
  /** Changes some settings; null when the room has none. */
  update(room: string, patch: SettingsPatch): Promise<RoomSettings | null>;
  /** Makes `key` a member (again); keeps the first `since`. */
  addMember(room: string, member: Membership): Promise<void>;
  /** Ends a membership; false when there was none. */
  removeMember(room: string, key: string): Promise<boolean>;
  /** The membership of one of `keys`, if any. */
  member(room: string, keys: readonly string[]): Promise<Membership | null>;
  /** Every member, oldest first. */
  members(room: string): Promise<Membership[]>;
  /** Stores a new invite. */
  createInvite(invite: Invite): Promise<void>;
  /** Uses an invite once, atomically: never more than `maxUses`, never after `expiresAt`. */
  useInvite(code: string, now: number): Promise<InviteUse>;
  /** Gives `sanction` to each of `keys` (replacing one of the same kind). */
  sanction(
    room: string,
    options: { keys: readonly string[]; sanction: Sanction },
  ): Promise<void>;
  /** Lifts the sanctions of `kind` held by `keys`; the number lifted. */
  lift(
    room: string,
    options: { keys: readonly string[]; kind: SanctionKind },
  ): Promise<number>;
  /** The sanctions of `keys` in force at `now`, of each kind at most one (the longest). */
  sanctions(
    room: string,
    options: { keys: readonly string[]; now: number },
  ): Promise<Sanction[]>;
  /** Remembers which keys a name stood for in the room, so a ban by name reaches them. */
  remember(
    room: string,
    options: { canonical: string; keys: readonly string[] },
  ): Promise<void>;
  /** The keys a name last stood for (empty when unknown). */
  recall(room: string, canonical: string): Promise<string[]>;
  /** Appends to the audit log. */
  audit(room: string, entry: AuditEntry): Promise<void>;
  /** The audit log, newest first. */
  auditLog(room: string, limit: number): Promise<AuditEntry[]>;
  /** Takes the slow-mode slot of `key` for `ms`; false while the last one runs. */
  takeSlot(
    room: string,
    options: { key: string; ms: number },
  ): Promise<boolean>;
}

/** The best sanction of each kind among `found`: a permanent one, else the latest end. */
export function strongest(found: readonly Sanction[], now: number): Sanction[] {
  const best = new Map<SanctionKind, Sanction>();
  for (const sanction of found) {
    if (sanction.until !== null && sanction.until <= now) continue;
    const held = best.get(sanction.kind);
    if (
      !held ||
      (held.until !== null &&
        (sanction.until === null || sanction.until > held.until))
    ) best.set(sanction.kind, sanction);
  }
  return [...best.values()];
}

/** Merges `keys` into the remembered ones, newest first, at most {@linkcode MAX_SEEN_KEYS}. */
export function mergeKeys(
  known: readonly string[],
  keys: readonly string[],
): string[] {
  return [...new Set([...keys, ...known])].slice(0, MAX_SEEN_KEYS);
}
