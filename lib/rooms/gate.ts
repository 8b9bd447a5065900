import type { ControlEvent, ModerationFrame } from "../protocol/events.ts";
import type { Clock } from "../clock.ts";
import { inForce, type Look, type RoomAccess } from "./access.ts";
import type { Identity } from "./identity.ts";
import {
  moderate,
  moderationAction,
  notModerator,
  type Refusal,
} from "./moderation.ts";
import { type Action, type Decision, isModerating } from "./permissions.ts";

/**
 * How old a socket's knowledge of its standing may get before its next frame
 * reads it again: the safety net under a control event lost in a fan-out
 * outage. Costs at most one read per this long per socket that sends.
 */
export const LOOK_MAX_AGE_MS = 10_000;

/**
 * One socket's view of the permission table: read at `join`, read again when
 * a control event concerns it, and asked synchronously on every frame.
 */
export class Gate {
  #access: RoomAccess;
  #room: string;
  #address: string | undefined;
  #identity: Identity | null;
  #look: Look | undefined;
  #refreshing: Promise<void> | undefined;
  #readAt = 0;
  #clock: Clock;

  /** For one socket of `room`, opened by `identity` (null: a guest) from `address`. */
  constructor(
    access: RoomAccess,
    options: {
      room: string;
      identity: Identity | null;
      address?: string;
      /** How old a reading is and when a mute ends; the access's clock by default. */
      clock?: Clock;
    },
  ) {
    this.#clock = options.clock ?? access.clock;
    this.#access = access;
    this.#room = options.room;
    this.#identity = options.identity;
    this.#address = options.address;
  }

  /** Who the socket speaks for (null until a guest joins). */
  get identity(): Identity | null {
    return this.#identity;
  }

  /** The person's role in `people`. */
  get look(): Look | undefined {
    return this.#look;
  }

  /**
   * Reads the person's standing for `join`: a guest becomes `g:<clientId>`
   * (or `c:<connection>`); the keys are remembered under the name, so a ban
   * by name reaches them.
   */
  async admit(
    options: {
      canonical: string;
      username: string;
      guestKey: string;
      /** Who the join itself proved to be (a token in the frame), over what the upgrade said. */
      identity?: Identity;
    },
  ): Promise<Decision> {
    if (options.identity) {
      this.#identity = options.identity;
    } else if (!this.#identity || this.#identity.kind === "guest") {
      this.#identity = {
        kind: "guest",
        key: options.guestKey,
        username: options.username,
      };
    }
    await this.refresh();
    const decision = this.check("join");
    if (decision === "allow") {
      await this.#access.rooms.remember(this.#room, {
        canonical: options.canonical,
        keys: this.#look!.keys,
      });
    }
    return decision;
  }

  /** Reads standing and sanctions again; frames wait for it through {@linkcode settled}. */
  refresh(): Promise<void> {
    const reading = this.#access.look(this.#room, {
      identity: this.#identity,
      address: this.#address,
    }).then((look) => {
      this.#look = look;
      this.#readAt = this.#clock.now();
    });
    const done = reading.finally(() => {
      if (this.#refreshing === done) this.#refreshing = undefined;
    });
    this.#refreshing = done;
    return done;
  }

  /**
   * Before a frame: waits for a re-read under way, reads again when what the
   * socket knows is older than {@linkcode LOOK_MAX_AGE_MS}, and gives the
   * reason the socket must close when the person may no longer be here.
   */
  async current(): Promise<string | undefined> {
    await this.settled();
    if (!this.#look || this.#clock.now() - this.#readAt <= LOOK_MAX_AGE_MS) {
      return undefined;
    }
    return await this.#readStillIn();
  }

  /** Reads the standing again: why the socket must close, or undefined when the person may stay. */
  async #readStillIn(): Promise<string | undefined> {
    await this.refresh();
    if (this.check("join") === "allow") return undefined;
    return this.#look?.ban
      ? "You are banned from this room."
      : "You no longer have access to this room.";
  }

  /** Resolves once the last {@linkcode refresh} is done, so a frame never slips past a fresh mute. */
  async settled(): Promise<void> {
    while (this.#refreshing) await this.#refreshing.catch(() => {});
  }

  /** The table's answer for `action`, from what was last read (a mute's end counts at once). */
  check(action: Action, options: { own?: boolean } = {}): Decision {
    if (!this.#look) return "forbidden";
    return this.#access.decide(action, this.#look, {
      ...options,
      now: this.#clock.now(),
    });
  }

  /** Why the last frame was refused, for people. */
  refusal(): string {
    const look = this.#look;
    if (look?.ban && this.check("join") === "forbidden") {
      return "You are banned from this room.";
    }
    if (this.muted) return "You are muted in this room for now.";
    if (look?.standing === "guest" && !look.settings.guests) {
      return "Guests may not join this room; sign in first.";
    }
    return "You may not do that in this room.";
  }

  /**
   * After a control event: the reason this person's socket must close (a
   * kick, ban or removal naming it, or settings that shut it out), or
   * undefined; a mute or unmute is read again and holds from the next frame.
   */
  async shutOut(
    control: ControlEvent,
    canonical: string,
  ): Promise<string | undefined> {
    if (control.action === "kick") {
      return control.username === canonical
        ? "You were removed from the room by a moderator."
        : undefined;
    }
    const concerned = this.concerns(control, canonical);
    if (control.action !== "settings" && !concerned) return undefined;
    return await this.#readStillIn();
  }

  /** True when a control event names this person (by name or by a key). */
  concerns(control: ControlEvent, canonical: string): boolean {
    if (control.username === canonical) return true;
    const keys = this.#look?.keys ?? [];
    return control.keys?.some((key) => keys.includes(key)) ?? false;
  }

  /**
   * Slow mode: false when the person spoke less than `slowModeS` ago.
   * The owner, moderators and admins are not slowed. A guest is slowed by its
   * address, so a new `clientId` per message does not get round it.
   */
  async slowModePasses(): Promise<boolean> {
    const look = this.#look;
    if (!look || look.settings.slowModeS === 0) return true;
    if (isModerating(look.standing)) return true;
    return await this.#access.rooms.takeSlot(this.#room, {
      key: look.keys.find((key) => key.startsWith("ip:")) ?? look.keys[0],
      ms: look.settings.slowModeS * 1000,
    });
  }

  /** Seconds of slow mode in the room. */
  get slowModeS(): number {
    return this.#look?.settings.slowModeS ?? 0;
  }

  /** True while the person is muted. */
  get muted(): boolean {
    return inForce(this.#look?.mute, this.#clock.now());
  }

  /** Carries out a moderation frame sent by this person (`actorName`). */
  async moderate(
    frame: ModerationFrame,
    actorName: string,
  ): Promise<Refusal | undefined> {
    if (this.check(moderationAction(frame)) !== "allow") return notModerator();
    await this.refresh();
    return await moderate(this.#access, {
      room: this.#room,
      actor: this.#look!,
      actorName,
      frame,
    });
  }
}
