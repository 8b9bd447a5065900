import { type Clock, systemClock } from "../clock.ts";
import type { ControlEvent } from "../protocol/events.ts";
import type { Fanout } from "../chat/fanout.ts";
import { canonicalName } from "../protocol/names.ts";
import type { MessageStore } from "../store/store.ts";
import { accountOf, type Identity, keysOf } from "./identity.ts";
import {
  type Action,
  decide,
  type Decision,
  type Standing,
  standingOf,
} from "./permissions.ts";
import {
  defaultSettings,
  type RoomSettings,
  type RoomStore,
  type Sanction,
} from "./room_store.ts";

/** A person in a room: what the permission table needs, read once. */
export interface Look {
  settings: RoomSettings;
  standing: Standing;
  identity: Identity | null;
  /** Keys a ban, mute or membership of this person is held under. */
  keys: string[];
  ban?: Sanction;
  mute?: Sanction;
}

/** Who is asking, as far as the request or socket tells. */
export interface Asker {
  identity: Identity | null;
  /** The client's address (for guests' bans). */
  address?: string;
}

/** Options of {@linkcode RoomAccess}. */
export interface RoomAccessOptions {
  rooms: RoomStore;
  /** The message store: a room with a message exists, even without an owner. */
  messages: MessageStore;
  /** Control events (bans, settings) reach every server through it. */
  fanout: Fanout;
  /** Account names that moderate every room (`CHAT_ADMINS`). */
  admins?: readonly string[];
  /** When sanctions end; the real clock by default. */
  clock?: Clock;
}

/** True when a sanction is in force at `now`. */
export function inForce(sanction: Sanction | undefined, now: number): boolean {
  return sanction !== undefined &&
    (sanction.until === null || sanction.until > now);
}

/**
 * Rooms with access for every entry point: reads what the permission table
 * needs, answers with its decision, and tells every server when something
 * changed that may shut someone out.
 */
export class RoomAccess {
  readonly rooms: RoomStore;
  readonly messages: MessageStore;
  readonly admins: readonly string[];
  /** The time sanctions are judged by (and moderation dates them with). */
  readonly clock: Clock;
  #fanout: Fanout;

  /** Wires storage, fan-out and the admins together. */
  constructor(options: RoomAccessOptions) {
    this.rooms = options.rooms;
    this.messages = options.messages;
    this.#fanout = options.fanout;
    this.admins = (options.admins ?? []).map(canonicalName);
    this.clock = options.clock ?? systemClock;
  }

  /** The room's settings; the defaults of a public, ownerless room when nobody created it. */
  async settings(room: string): Promise<RoomSettings> {
    return await this.rooms.get(room) ?? defaultSettings(room);
  }

  /** Reads the person's standing and sanctions in `room`. */
  async look(
    room: string,
    asker: Asker,
    settings?: RoomSettings,
  ): Promise<Look> {
    const { identity } = asker;
    const keys = identity ? keysOf(identity, asker.address) : [];
    if (!identity && asker.address) keys.push(`ip:${asker.address}`);
    const [resolved, member, sanctions] = await Promise.all([
      settings ?? this.settings(room),
      keys.length > 0 ? this.rooms.member(room, keys) : null,
      keys.length > 0
        ? this.rooms.sanctions(room, { keys, now: this.clock.now() })
        : [],
    ]);
    const standing = standingOf({
      kind: identity?.kind ?? "guest",
      account: accountOf(identity),
      tokenRooms: identity?.rooms,
      room,
      owner: resolved.owner === null ? null : canonicalName(resolved.owner),
      moderators: resolved.moderators.map(canonicalName),
      admins: this.admins,
      member: member !== null,
    });
    return {
      settings: resolved,
      standing,
      identity,
      keys,
      ban: sanctions.find((s) => s.kind === "ban"),
      mute: sanctions.find((s) => s.kind === "mute"),
    };
  }

  /** The permission table's answer for a person already looked at. */
  decide(
    action: Action,
    look: Look,
    options: { own?: boolean; now?: number } = {},
  ): Decision {
    const now = options.now ?? this.clock.now();
    return decide(action, {
      standing: look.standing,
      visibility: look.settings.visibility,
      guests: look.settings.guests,
      banned: inForce(look.ban, now),
      muted: inForce(look.mute, now),
      own: options.own,
    });
  }

  /** Looks the asker up and decides `action` in one go. */
  async may(
    action: Action,
    room: string,
    asker: Asker,
  ): Promise<{ decision: Decision; look: Look }> {
    const look = await this.look(room, asker);
    return { decision: this.decide(action, look), look };
  }

  /** True when `room` may be listed for `asker` (`/api/rooms`, the home page). */
  async listed(room: string, asker: Asker): Promise<boolean> {
    const settings = await this.rooms.get(room);
    if (!settings || settings.visibility === "public") return true;
    const look = await this.look(room, asker, settings);
    return this.decide("metadata", look) === "allow";
  }

  /** A room exists once it has an owner or a message. */
  async exists(room: string): Promise<boolean> {
    if (await this.rooms.get(room)) return true;
    return (await this.messages.lastMessageAt(room)) !== null;
  }

  /** Tells every server's sockets in `room` to look again (bans, kicks, settings). */
  control(room: string, event: Omit<ControlEvent, "type">): void {
    this.#fanout.publish(room, { type: "control", ...event });
  }
}
