import { type Clock, systemClock } from "../../clock.ts";
import {
  type AuditEntry,
  type Invite,
  INVITE_GRACE_MS,
  type InviteUse,
  MAX_AUDIT_ENTRIES,
  type Membership,
  mergeKeys,
  type RoomSettings,
  type RoomStore,
  type Sanction,
  type SanctionKind,
  SEEN_TTL_MS,
  type SettingsPatch,
  strongest,
} from "../../rooms/room_store.ts";

interface RoomData {
  settings?: RoomSettings;
  members: Map<string, Membership>;
  sanctions: Map<string, Sanction>;
  seen: Map<string, { keys: string[]; until: number }>;
  /** When the first remembered name expires: before then there is nothing to sweep. */
  seenExpires: number;
  audit: AuditEntry[];
  slots: Map<string, number>;
}

/** Rooms with access in this process only (nothing survives a restart). */
export class MemoryRooms implements RoomStore {
  #rooms = new Map<string, RoomData>();
  #invites = new Map<string, Invite>();
  #clock: Clock;

  /** Invites, remembered names and slow-mode slots expire on `clock` (the real one by default). */
  constructor(options: { clock?: Clock } = {}) {
    this.#clock = options.clock ?? systemClock;
  }

  #room(room: string): RoomData {
    let data = this.#rooms.get(room);
    if (!data) {
      data = {
        members: new Map(),
        sanctions: new Map(),
        seen: new Map(),
        seenExpires: Infinity,
        audit: [],
        slots: new Map(),
      };
      this.#rooms.set(room, data);
    }
    return data;
  }

  get(room: string): Promise<RoomSettings | null> {
    const settings = this.#rooms.get(room)?.settings;
    return Promise.resolve(settings ? structuredClone(settings) : null);
  }

  create(settings: RoomSettings): Promise<boolean> {
    const data = this.#room(settings.room);
    if (data.settings) return Promise.resolve(false);
    data.settings = structuredClone(settings);
    return Promise.resolve(true);
  }

  update(room: string, patch: SettingsPatch): Promise<RoomSettings | null> {
    const data = this.#rooms.get(room);
    if (!data?.settings) return Promise.resolve(null);
    data.settings = { ...data.settings, ...structuredClone(patch) };
    return this.get(room);
  }

  addMember(room: string, member: Membership): Promise<void> {
    const members = this.#room(room).members;
    const held = members.get(member.key);
    members.set(member.key, { ...member, since: held?.since ?? member.since });
    return Promise.resolve();
  }

  removeMember(room: string, key: string): Promise<boolean> {
    return Promise.resolve(this.#rooms.get(room)?.members.delete(key) ?? false);
  }

  member(room: string, keys: readonly string[]): Promise<Membership | null> {
    const members = this.#rooms.get(room)?.members;
    for (const key of keys) {
      const found = members?.get(key);
      if (found) return Promise.resolve({ ...found });
    }
    return Promise.resolve(null);
  }

  members(room: string): Promise<Membership[]> {
    const members = [...(this.#rooms.get(room)?.members.values() ?? [])];
    return Promise.resolve(members.sort((a, b) => a.since - b.since));
  }

  createInvite(invite: Invite): Promise<void> {
    const now = this.#clock.now();
    for (const [code, held] of this.#invites) {
      if (held.expiresAt + INVITE_GRACE_MS <= now) this.#invites.delete(code);
    }
    this.#invites.set(invite.code, { ...invite });
    return Promise.resolve();
  }

  useInvite(code: string, now: number): Promise<InviteUse> {
    const invite = this.#invites.get(code);
    if (!invite) return Promise.resolve({ ok: false, reason: "unknown" });
    if (invite.uses >= invite.maxUses || invite.expiresAt <= now) {
      return Promise.resolve({ ok: false, reason: "gone" });
    }
    invite.uses++;
    return Promise.resolve({ ok: true, room: invite.room });
  }

  sanction(
    room: string,
    options: { keys: readonly string[]; sanction: Sanction },
  ): Promise<void> {
    const sanctions = this.#room(room).sanctions;
    for (const key of options.keys) {
      sanctions.set(`${options.sanction.kind}:${key}`, { ...options.sanction });
    }
    return Promise.resolve();
  }

  lift(
    room: string,
    options: { keys: readonly string[]; kind: SanctionKind },
  ): Promise<number> {
    const sanctions = this.#rooms.get(room)?.sanctions;
    let lifted = 0;
    for (const key of options.keys) {
      if (sanctions?.delete(`${options.kind}:${key}`)) lifted++;
    }
    return Promise.resolve(lifted);
  }

  sanctions(
    room: string,
    options: { keys: readonly string[]; now: number },
  ): Promise<Sanction[]> {
    const sanctions = this.#rooms.get(room)?.sanctions;
    const found: Sanction[] = [];
    for (const key of options.keys) {
      for (const kind of ["ban", "mute"]) {
        const held = sanctions?.get(`${kind}:${key}`);
        if (held) found.push({ ...held });
      }
    }
    return Promise.resolve(strongest(found, options.now));
  }

  remember(
    room: string,
    options: { canonical: string; keys: readonly string[] },
  ): Promise<void> {
    const data = this.#room(room);
    const { seen } = data;
    const now = this.#clock.now();
    if (data.seenExpires <= now) {
      // Only when something expired: a join into a full room reads no more.
      data.seenExpires = Infinity;
      for (const [name, entry] of seen) {
        if (entry.until <= now) seen.delete(name);
        else data.seenExpires = Math.min(data.seenExpires, entry.until);
      }
    }
    const known = seen.get(options.canonical)?.keys ?? [];
    const until = now + SEEN_TTL_MS;
    seen.set(options.canonical, {
      keys: mergeKeys(known, options.keys),
      until,
    });
    data.seenExpires = Math.min(data.seenExpires, until);
    return Promise.resolve();
  }

  recall(room: string, canonical: string): Promise<string[]> {
    const entry = this.#rooms.get(room)?.seen.get(canonical);
    return Promise.resolve(
      entry && entry.until > this.#clock.now() ? [...entry.keys] : [],
    );
  }

  audit(room: string, entry: AuditEntry): Promise<void> {
    const log = this.#room(room).audit;
    log.unshift({ ...entry });
    if (log.length > MAX_AUDIT_ENTRIES) log.length = MAX_AUDIT_ENTRIES;
    return Promise.resolve();
  }

  auditLog(room: string, limit: number): Promise<AuditEntry[]> {
    return Promise.resolve(
      (this.#rooms.get(room)?.audit ?? []).slice(0, limit).map((e) => ({
        ...e,
      })),
    );
  }

  takeSlot(
    room: string,
    options: { key: string; ms: number },
  ): Promise<boolean> {
    const slots = this.#room(room).slots;
    const now = this.#clock.now();
    if ((slots.get(options.key) ?? 0) > now) return Promise.resolve(false);
    slots.set(options.key, now + options.ms);
    if (slots.size > 10_000) {
      for (const [key, until] of slots) if (until <= now) slots.delete(key);
    }
    return Promise.resolve(true);
  }
}
