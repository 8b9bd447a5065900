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

const KINDS: SanctionKind[] = ["ban", "mute"];

/** Rooms with access in Deno KV (the same database as the messages); survives restarts. */
export class KvRooms implements RoomStore {
  #kv: Deno.Kv;

  /** Keeps its keys under `room*` and `invite` prefixes of `kv`. */
  constructor(kv: Deno.Kv) {
    this.#kv = kv;
  }

  async get(room: string): Promise<RoomSettings | null> {
    return (await this.#kv.get<RoomSettings>(["room", room])).value;
  }

  async create(settings: RoomSettings): Promise<boolean> {
    const key = ["room", settings.room];
    const result = await this.#kv.atomic().check({ key, versionstamp: null })
      .set(key, settings).commit();
    return result.ok;
  }

  async update(
    room: string,
    patch: SettingsPatch,
  ): Promise<RoomSettings | null> {
    const key = ["room", room];
    while (true) {
      const entry = await this.#kv.get<RoomSettings>(key);
      if (!entry.value) return null;
      const next = { ...entry.value, ...patch };
      const result = await this.#kv.atomic().check(entry).set(key, next)
        .commit();
      if (result.ok) return next;
    }
  }

  async addMember(room: string, member: Membership): Promise<void> {
    const key = ["room_member", room, member.key];
    const held = await this.#kv.get<Membership>(key);
    await this.#kv.set(key, {
      ...member,
      since: held.value?.since ?? member.since,
    });
  }

  async removeMember(room: string, key: string): Promise<boolean> {
    const entry = await this.#kv.get(["room_member", room, key]);
    if (entry.versionstamp === null) return false;
    await this.#kv.delete(entry.key);
    return true;
  }

  async member(
    room: string,
    keys: readonly string[],
  ): Promise<Membership | null> {
    if (keys.length === 0) return null;
    const found = await this.#kv.getMany<Membership[]>(
      keys.map((key) => ["room_member", room, key]),
    );
    return found.find((entry) => entry.value)?.value ?? null;
  }

  async members(room: string): Promise<Membership[]> {
    const members: Membership[] = [];
    for await (
      const entry of this.#kv.list<Membership>({
        prefix: ["room_member", room],
      })
    ) members.push(entry.value);
    return members.sort((a, b) => a.since - b.since);
  }

  async createInvite(invite: Invite): Promise<void> {
    await this.#kv.set(["invite", invite.code], invite, {
      expireIn: Math.max(1, invite.expiresAt - Date.now()) + INVITE_GRACE_MS,
    });
  }

  async useInvite(code: string, now: number): Promise<InviteUse> {
    while (true) {
      const entry = await this.#kv.get<Invite>(["invite", code]);
      const invite = entry.value;
      if (!invite) return { ok: false, reason: "unknown" };
      if (invite.uses >= invite.maxUses || invite.expiresAt <= now) {
        return { ok: false, reason: "gone" };
      }
      const result = await this.#kv.atomic().check(entry).set(entry.key, {
        ...invite,
        uses: invite.uses + 1,
      }, {
        expireIn: Math.max(1, invite.expiresAt - now) + INVITE_GRACE_MS,
      }).commit();
      if (result.ok) return { ok: true, room: invite.room };
    }
  }

  async sanction(
    room: string,
    options: { keys: readonly string[]; sanction: Sanction },
  ): Promise<void> {
    const { sanction } = options;
    const op = this.#kv.atomic();
    for (const key of options.keys) {
      op.set(
        ["room_sanction", room, sanction.kind, key],
        sanction,
        sanction.until === null
          ? undefined
          : { expireIn: Math.max(1, sanction.until - Date.now()) },
      );
    }
    await op.commit();
  }

  async lift(
    room: string,
    options: { keys: readonly string[]; kind: SanctionKind },
  ): Promise<number> {
    if (options.keys.length === 0) return 0;
    const keys = options.keys.map((
      key,
    ) => ["room_sanction", room, options.kind, key]);
    const found = await this.#kv.getMany(keys);
    const op = this.#kv.atomic();
    for (const key of keys) op.delete(key);
    await op.commit();
    return found.filter((entry) => entry.versionstamp !== null).length;
  }

  async sanctions(
    room: string,
    options: { keys: readonly string[]; now: number },
  ): Promise<Sanction[]> {
    const keys = options.keys.flatMap((key) =>
      KINDS.map((kind) => ["room_sanction", room, kind, key])
    );
    const found: Sanction[] = [];
    for (let i = 0; i < keys.length; i += 10) {
      const entries = await this.#kv.getMany<Sanction[]>(keys.slice(i, i + 10));
      for (const entry of entries) if (entry.value) found.push(entry.value);
    }
    return strongest(found, options.now);
  }

  async remember(
    room: string,
    options: { canonical: string; keys: readonly string[] },
  ): Promise<void> {
    const key = ["room_seen", room, options.canonical];
    const known = (await this.#kv.get<string[]>(key)).value ?? [];
    await this.#kv.set(key, mergeKeys(known, options.keys), {
      expireIn: SEEN_TTL_MS,
    });
  }

  async recall(room: string, canonical: string): Promise<string[]> {
    return (await this.#kv.get<string[]>(["room_seen", room, canonical]))
      .value ?? [];
  }

  async audit(room: string, entry: AuditEntry): Promise<void> {
    const seqKey = ["room_audit_seq", room];
    while (true) {
      const seq = await this.#kv.get<bigint>(seqKey);
      const next = (seq.value ?? 0n) + 1n;
      const op = this.#kv.atomic().check(seq).set(seqKey, next)
        .set(["room_audit", room, next], entry);
      if (next > BigInt(MAX_AUDIT_ENTRIES)) {
        op.delete(["room_audit", room, next - BigInt(MAX_AUDIT_ENTRIES)]);
      }
      if ((await op.commit()).ok) return;
    }
  }

  async auditLog(room: string, limit: number): Promise<AuditEntry[]> {
    const entries: AuditEntry[] = [];
    for await (
      const entry of this.#kv.list<AuditEntry>(
        { prefix: ["room_audit", room] },
        {
          reverse: true,
          limit,
        },
      )
    ) entries.push(entry.value);
    return entries;
  }

  async takeSlot(
    room: string,
    options: { key: string; ms: number },
  ): Promise<boolean> {
    const key = ["room_slot", room, options.key];
    const entry = await this.#kv.get<number>(key);
    const now = Date.now();
    if (entry.value !== null && entry.value > now) return false;
    const result = await this.#kv.atomic().check(entry).set(
      key,
      now + options.ms,
      { expireIn: options.ms },
    ).commit();
    return result.ok;
  }
}
