import type { MessageEvent } from "./events.ts";
import type { RoomEvent } from "./fanout.ts";
import { compareIds, parseId } from "./ids.ts";
import { canonicalName, compareNames } from "./names.ts";

/** One connection of the room, as the room sees it. */
export interface Peer {
  /** Canonical form of the peer's username. */
  readonly canonical: string;
  /** Takes one serialised event; `id` is set for messages, which arrive in id order. */
  push(frame: string, id?: string): void;
}

/** Who a peer claims to be when it joins. */
export interface Identity {
  username: string;
  canonical: string;
  clientId?: string;
}

/** Outcome of {@linkcode Room.join}: the first connection of a name, another one, or refused. */
export type JoinOutcome = "first" | "again" | "taken";

/** Options of {@linkcode Room}. */
export interface RoomOptions {
  /** Reads the stored messages after `since`, oldest first, to fill a gap. */
  load(since: string): Promise<MessageEvent[]>;
  /** Told when a gap could not be filled from the store. */
  onError?(error: unknown): void;
}

interface Member {
  username: string;
  clientId?: string;
  peers: number;
}

function follows(previous: string, id: string): boolean {
  const a = parseId(previous);
  const b = parseId(id);
  return a === undefined || b === undefined || b === a + 1;
}

/**
 * The live state of one room on this server: its connections, who is online,
 * and the order in which stored messages are handed out. Messages are
 * delivered in id order with no gap: one that arrives early waits while the
 * missing ones are read from the store; one already delivered is dropped.
 */
export class Room {
  readonly name: string;
  #peers = new Set<Peer>();
  #members = new Map<string, Member>();
  #head: string | undefined;
  #pending = new Map<string, MessageEvent>();
  #filling = false;
  #options: RoomOptions;

  /** An empty room that holds messages back until {@linkcode start}. */
  constructor(name: string, options: RoomOptions) {
    this.name = name;
    this.#options = options;
  }

  /** Connections in the room. */
  get connections(): number {
    return this.#peers.size;
  }

  /** People (distinct names) online. */
  get online(): number {
    return this.#members.size;
  }

  /** Id of the last message handed out, once started. */
  get head(): string | undefined {
    return this.#head;
  }

  /** Usernames online, sorted by canonical form, then code point. */
  members(): string[] {
    return [...this.#members.values()].map((m) => m.username).sort(
      compareNames,
    );
  }

  /** Sets the id of the newest stored message and releases what arrived meanwhile. */
  start(head: string): void {
    if (this.#head !== undefined) return;
    this.#head = head;
    this.#drain();
  }

  /** Claims a name for a peer; the same `clientId` may hold its name on several connections. */
  join(peer: Peer, identity: Identity): JoinOutcome {
    const member = this.#members.get(identity.canonical);
    if (member) {
      if (!identity.clientId || member.clientId !== identity.clientId) {
        return "taken";
      }
      member.peers++;
      this.#peers.add(peer);
      return "again";
    }
    this.#members.set(identity.canonical, {
      username: identity.username,
      clientId: identity.clientId,
      peers: 1,
    });
    this.#peers.add(peer);
    return "first";
  }

  /** Removes a peer; true when it was its name's last connection. */
  leave(peer: Peer): boolean {
    if (!this.#peers.delete(peer)) return false;
    const member = this.#members.get(peer.canonical);
    if (!member) return false;
    if (--member.peers > 0) return false;
    this.#members.delete(peer.canonical);
    return true;
  }

  /** Takes an event from the fan-out: messages in id order, the rest at once. */
  receive(event: RoomEvent): void {
    if (event.type === "message") {
      this.#receiveMessage(event);
      return;
    }
    const frame = JSON.stringify(event);
    const skip = event.type === "typing" || event.type === "joined"
      ? canonicalName(event.username)
      : undefined;
    for (const peer of this.#peers) {
      if (peer.canonical !== skip) peer.push(frame);
    }
  }

  #receiveMessage(message: MessageEvent): void {
    const head = this.#head;
    if (head !== undefined && message.id <= head) return;
    if (head !== undefined && follows(head, message.id) && !this.#filling) {
      this.#deliver(message);
      this.#drain();
      return;
    }
    this.#pending.set(message.id, message);
    if (head !== undefined) this.#fill();
  }

  #deliver(message: MessageEvent): void {
    this.#head = message.id;
    const frame = JSON.stringify(message);
    for (const peer of this.#peers) peer.push(frame, message.id);
  }

  #drain(): void {
    if (this.#head === undefined || this.#filling) return;
    while (this.#pending.size > 0) {
      const next = this.#nextPending();
      if (next === undefined) break;
      this.#pending.delete(next.id);
      if (next.id <= this.#head) continue;
      if (!follows(this.#head, next.id)) {
        this.#pending.set(next.id, next);
        this.#fill();
        return;
      }
      this.#deliver(next);
    }
  }

  #nextPending(): MessageEvent | undefined {
    let first: MessageEvent | undefined;
    for (const message of this.#pending.values()) {
      if (!first || message.id < first.id) first = message;
    }
    return first;
  }

  async #fill(): Promise<void> {
    if (this.#filling || this.#head === undefined) return;
    this.#filling = true;
    try {
      for (const message of await this.#options.load(this.#head)) {
        this.#pending.delete(message.id);
        if (message.id > this.#head) this.#deliver(message);
      }
    } catch (error) {
      this.#options.onError?.(error);
    } finally {
      this.#filling = false;
    }
    for (
      const message of [...this.#pending.values()].sort((a, b) =>
        compareIds(a.id, b.id)
      )
    ) {
      this.#pending.delete(message.id);
      if (message.id > this.#head) this.#deliver(message);
    }
  }
}
