/**
 * One channel per room, shared by that room's subscribers on this server:
 * opened for the first, closed after the last leaves. The fan-outs (a
 * `BroadcastChannel`, a KV watch, a Redis subscription) each keep their
 * channels in one of these.
 */

/** How a fan-out opens and closes the channel of one room. */
export interface ChannelHooks<C> {
  open(room: string): C;
  close(channel: C, room: string): void;
}

/** A share of a room's channel; `leave` gives it back (only the first call counts, and none after `closeAll` or `clear`). */
export interface ChannelShare<C> {
  channel: C;
  leave(): void;
}

/** Ref-counted channels by room. */
export class RoomChannels<C> {
  #open = new Map<string, { channel: C; users: number }>();
  #hooks: ChannelHooks<C>;

  /** Channels opened and closed through `hooks`. */
  constructor(hooks: ChannelHooks<C>) {
    this.#hooks = hooks;
  }

  /** Rooms with an open channel. */
  get size(): number {
    return this.#open.size;
  }

  /** The rooms with an open channel. */
  rooms(): string[] {
    return [...this.#open.keys()];
  }

  /** The open channel of `room`, if anyone holds it. */
  get(room: string): C | undefined {
    return this.#open.get(room)?.channel;
  }

  /** Takes a share of `room`'s channel, opening it for the first. */
  join(room: string): ChannelShare<C> {
    let open = this.#open.get(room);
    if (!open) {
      open = { channel: this.#hooks.open(room), users: 0 };
      this.#open.set(room, open);
    }
    open.users++;
    const held = open;
    let left = false;
    return {
      channel: held.channel,
      leave: () => {
        if (left) return;
        left = true;
        if (--held.users > 0 || this.#open.get(room) !== held) return;
        this.#open.delete(room);
        this.#hooks.close(held.channel, room);
      },
    };
  }

  /**
   * Takes a share of `room`'s channel for a subscriber whose listening
   * `stopListening` ends; resolves once the channel is `ready` (when it has
   * that promise) to the function that ends both, once. A channel that fails
   * to get ready is left at once.
   */
  async subscribe(
    room: string,
    stopListening: () => void,
  ): Promise<() => void> {
    const share = this.join(room);
    const leave = () => {
      stopListening();
      share.leave();
    };
    try {
      await (share.channel as { ready?: Promise<void> }).ready;
    } catch (error) {
      leave();
      throw error;
    }
    let stopped = false;
    return () => {
      if (stopped) return;
      stopped = true;
      leave();
    };
  }

  /** Closes every channel. */
  closeAll(): void {
    for (const [room, { channel }] of this.#open) {
      this.#hooks.close(channel, room);
    }
    this.#open.clear();
  }

  /** Forgets every channel without closing it (its connection is going away). */
  clear(): void {
    this.#open.clear();
  }
}
