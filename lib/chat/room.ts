import { type Clock, systemClock, type TimerId } from "../clock.ts";
import type {
  ControlEvent,
  JoinedEvent,
  LeftEvent,
  LogEvent,
  MessageEvent,
} from "../protocol/events.ts";
import type { RoomEvent } from "./fanout.ts";
import { type CrossedGap, crossGaps, follows } from "./gaps.ts";
import { canonicalName } from "../protocol/names.ts";
import { batchFrame, type Peer } from "./peer.ts";
import type { PresenceSnapshot } from "./presence_frames.ts";
import { PresenceLists } from "./presence_lists.ts";
import { PRESENCE_FLUSH_MS, PresencePacing } from "./presence_window.ts";

/** What a window of coalesced presence gathered. */
interface PendingPresence {
  /** Names whose join came in the window (a leave undoes it): their words wait for the window's event. */
  joined: string[];
  /** The member list of the window's last event. */
  list: PresenceSnapshot;
  ts: number;
}

interface Queued {
  frame: string;
  id?: string;
  /** Canonical name of the person the event is about, who does not get it. */
  skip?: string;
  /** A `joined` or `left` event, which peers that coalesce presence do not get. */
  presence?: boolean;
  /** Waits for the next presence event before it reaches the peers that coalesce presence. */
  held?: boolean;
}

/** Options of {@linkcode Room}. */
export interface RoomOptions {
  /** Reads the stored messages and changes after `since`, oldest first, to fill a gap. */
  load(since: string): Promise<LogEvent[]>;
  /** Told when a gap could not be filled from the store. */
  onError?(error: unknown): void;
  /** Told when messages go out across ids the store no longer has (trimmed, or lost in a failover). */
  onGapCrossed?(gap: CrossedGap): void;
  /** Told after each message is handed to the room's connections. */
  onDeliver?(message: MessageEvent, recipients: number): void;
  /** How long events wait to be packed for batching peers (default 5 ms; 0 packs one task's events). */
  batchFlushMs?: number;
  /** Takes the control events between servers, which peers never see. */
  onControl?(event: ControlEvent): void;
  /** Time and timers (presence windows, batch flushes, fill retries); the real clock by default. */
  clock?: Clock;
}

/** Wait before reading a gap again after the store failed. */
export const FILL_RETRY_MS = 250;

/**
 * One room's live state on this server: its connections, and its messages
 * handed out in id order with no gap (one that arrives early waits while the
 * missing ones are read from the store; one already delivered is dropped).
 */
export class Room {
  readonly name: string;
  #peers = new Set<Peer>();
  #head: string | undefined;
  #pending = new Map<string, LogEvent>();
  #filling = false;
  /** A resync came while a fill ran: read once more after it. */
  #refill = false;
  #options: RoomOptions;
  #clock: Clock;
  #batch: Queued[] = [];
  #batchScheduled = false;
  #presence: PendingPresence | undefined;
  #lists = new PresenceLists();
  #presenceTimer: TimerId | undefined;
  #pacing: PresencePacing;
  #presenceSentAt = -Infinity;
  /** `joined` and `left` events received, to tell whether one came during a read. */
  #presenceEvents = 0;
  #held: Queued[] | undefined;

  /** An empty room that holds messages back until {@linkcode start}. */
  constructor(name: string, options: RoomOptions) {
    this.name = name;
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
    this.#pacing = new PresencePacing(this.#clock);
  }

  /** Connections in the room. */
  get connections(): number {
    return this.#peers.size;
  }

  /** Id of the last message handed out, once started. */
  get head(): string | undefined {
    return this.#head;
  }

  /** Sets the id of the newest stored message and releases what arrived meanwhile. */
  start(head: string): void {
    if (this.#head !== undefined) return;
    this.#head = head;
    this.#drain();
  }

  /** Adds a connection that will receive the room's events. */
  add(peer: Peer): void {
    this.#peers.add(peer);
    if (peer.coalescePresence) this.#lists.add(peer);
  }

  /**
   * Tells the room the member list `peer`'s welcome carried: its next
   * presence event then brings that list to the room's (unless one already
   * carried the whole list, which the client reads after the welcome).
   */
  welcomed(peer: Peer, list: PresenceSnapshot): void {
    this.#lists.welcomed(peer, list);
  }

  /** Removes a connection; false when it was not in the room. */
  remove(peer: Peer): boolean {
    this.#lists.remove(peer);
    return this.#peers.delete(peer);
  }

  /** Reads from the store whatever came after the last message handed out (after a fan-out outage). */
  resync(): void {
    // A running read may predate what the fan-out just said the store holds.
    if (this.#filling) this.#refill = true;
    else this.#fill();
  }

  /** Takes an event from the fan-out: messages in id order, the rest at once. */
  receive(event: RoomEvent): void {
    if (
      event.type === "message" || event.type === "edited" ||
      event.type === "deleted" || event.type === "reaction"
    ) {
      this.#receiveMessage(event);
      return;
    }
    if (event.type === "control") {
      this.#options.onControl?.(event);
      if (event.notice) this.#fanOut({ frame: JSON.stringify(event.notice) });
      return;
    }
    const skip = event.type === "typing" || event.type === "joined"
      ? canonicalName(event.username)
      : undefined;
    if (event.type !== "joined" && event.type !== "left") {
      this.#fanOut({ frame: JSON.stringify(event), skip });
      return;
    }
    this.#presenceEvents++;
    const { each, coalesced } = this.#presenceTakers(skip);
    // The member list is serialised only when some peer takes it event by event.
    if (each) {
      this.#fanOut({ frame: JSON.stringify(event), skip, presence: true });
    }
    if (coalesced) this.#coalesce(event);
  }

  /** Whether any peer (but `skip`) takes presence event by event, and whether any takes it coalesced. */
  #presenceTakers(skip?: string): { each: boolean; coalesced: boolean } {
    let each = false;
    let coalesced = false;
    for (const peer of this.#peers) {
      if (peer.coalescePresence) coalesced = true;
      else if (peer.canonical !== skip) each = true;
      if (each && coalesced) break;
    }
    return { each, coalesced };
  }

  /** Gathers joins and leaves for the peers that take them coalesced, sent once per window. */
  #coalesce(event: JoinedEvent | LeftEvent): void {
    const pending = this.#gather(event);
    const index = pending.joined.indexOf(event.username);
    if (event.type === "left" && index >= 0) pending.joined.splice(index, 1);
    if (event.type === "joined" && index < 0) {
      pending.joined.push(event.username);
    }
    // The last event's list stands for the room's, as when every event carried it whole.
    pending.list = { members: event.members, people: event.people };
    pending.ts = event.ts;
  }

  /** The window under way, opened (with its timer) for a list of `list.members` people. */
  #gather(list: PresenceSnapshot): PendingPresence {
    this.#presenceTimer ??= this.#clock.setTimeout(
      () => this.#flushPresence(),
      this.#pacing.open(this.#peers.size, list.members.length),
    );
    return this.#presence ??= { joined: [], list, ts: 0 };
  }

  /**
   * After a fan-out outage (joins and leaves missed): the room's list, `read`
   * only while a peer coalesces presence, goes out in the next window unless
   * a `joined` or `left` came meanwhile (its list is newer).
   */
  refreshPresence(read: () => Promise<PresenceSnapshot>): void {
    if (!this.#presenceTakers().coalesced) return;
    const seen = this.#presenceEvents;
    read().then((list) => {
      if (this.#presenceEvents !== seen) return;
      if (!this.#presenceTakers().coalesced) return;
      const pending = this.#gather(list);
      pending.list = list;
      pending.ts = this.#clock.now();
    }, (error) => this.#options.onError?.(error));
  }

  /**
   * Before a message of someone whose join is still being gathered, the
   * peers that coalesce presence get the presence event: at once when
   * {@linkcode PRESENCE_FLUSH_MS} has passed since the last one (however wide
   * the room's window), otherwise what follows waits until it has.
   */
  #announceAuthor(username: string): void {
    const pending = this.#presence;
    if (!pending || this.#held) return;
    const author = canonicalName(username);
    if (!pending.joined.some((name) => canonicalName(name) === author)) return;
    const since = this.#clock.monotonic() - this.#presenceSentAt;
    if (since >= PRESENCE_FLUSH_MS) {
      this.#flushPresence();
    } else {
      this.#held = [];
      this.#clock.clearTimeout(this.#presenceTimer);
      this.#presenceTimer = this.#clock.setTimeout(
        () => this.#flushPresence(),
        PRESENCE_FLUSH_MS - since,
      );
    }
  }

  #flushPresence(): void {
    this.#clock.clearTimeout(this.#presenceTimer);
    this.#presenceTimer = undefined;
    this.#pacing.closed();
    if (this.#batchScheduled) this.#flushBatch();
    const pending = this.#presence;
    this.#presence = undefined;
    const sent = pending && this.#lists.send(this.#peers, {
      list: pending.list,
      ts: pending.ts,
      push: (peer, frame) => this.#push(peer, frame),
    });
    if (sent) this.#presenceSentAt = this.#clock.monotonic();
    const held = this.#held;
    this.#held = undefined;
    if (!held) return;
    for (const peer of this.#peers) {
      if (!peer.coalescePresence) continue;
      for (const event of held) {
        if (event.skip !== peer.canonical) {
          this.#push(peer, event.frame, event.id);
        }
      }
    }
  }

  /**
   * Sends an event to plain peers at once and queues it, once, for the
   * batching ones; while a presence event is awaited, the peers that
   * coalesce presence get it after that.
   */
  #fanOut(event: Queued): void {
    if (this.#held && !event.presence) {
      event.held = true;
      this.#held.push(event);
    }
    let batching = false;
    for (const peer of this.#peers) {
      if (peer.canonical === event.skip) continue;
      if (peer.coalescePresence && (event.presence || event.held)) continue;
      if (peer.batch) batching = true;
      else this.#push(peer, event.frame, event.id);
    }
    if (!batching) return;
    this.#batch.push(event);
    if (this.#batchScheduled) return;
    this.#batchScheduled = true;
    const delay = this.#options.batchFlushMs ?? 5;
    if (delay > 0) this.#clock.setTimeout(() => this.#flushBatch(), delay);
    else queueMicrotask(() => this.#flushBatch());
  }

  /** Serialises the queued events into one frame and hands the same string to every batching peer. */
  #flushBatch(): void {
    this.#batchScheduled = false;
    const events = this.#batch;
    this.#batch = [];
    if (events.length === 0) return;
    const shared = batchFrame(events.map((e) => e.frame));
    let first: string | undefined;
    let last: string | undefined;
    let skips = false;
    for (const event of events) {
      if (event.id !== undefined) {
        first ??= event.id;
        last = event.id;
      }
      if (event.skip !== undefined) skips = true;
    }
    const held = events.some((e) => e.held);
    for (const peer of this.#peers) {
      if (!peer.batch) continue;
      const waits = held && peer.coalescePresence;
      const excluded = waits ||
        (skips && events.some((e) => e.skip === peer.canonical));
      if (!excluded && this.#pushShared(peer, shared, { first, last })) {
        continue;
      }
      for (const event of events) {
        if (event.skip !== peer.canonical && !(waits && event.held)) {
          this.#push(peer, event.frame, event.id);
        }
      }
    }
  }

  #pushShared(
    peer: Peer,
    frame: string,
    ids: { first?: string; last?: string },
  ): boolean {
    try {
      return peer.pushShared(frame, ids);
    } catch (error) {
      this.#options.onError?.(error);
      return true;
    }
  }

  #receiveMessage(message: LogEvent): void {
    const head = this.#head;
    if (head !== undefined && message.id <= head) return;
    // Even while a fill reads or retries a store that is down: only what lies beyond a gap waits.
    if (head !== undefined && follows(head, message.id)) {
      this.#deliver(message);
      this.#drain();
      return;
    }
    this.#pending.set(message.id, message);
    if (head !== undefined) this.#fill();
  }

  #deliver(event: LogEvent): void {
    this.#head = event.id;
    if (event.type !== "message") {
      this.#fanOut({ frame: JSON.stringify(event), id: event.id });
      return;
    }
    this.#announceAuthor(event.username);
    this.#fanOut({ frame: JSON.stringify(event), id: event.id });
    this.#options.onDeliver?.(event, this.#peers.size);
  }

  /** One connection's failure never keeps the others from their events. */
  #push(peer: Peer, frame: string, id?: string): void {
    try {
      peer.push(frame, id);
    } catch (error) {
      this.#options.onError?.(error);
    }
  }

  /** Hands out pending messages while they follow the head; a gap starts a fill (unless one runs). */
  #drain(): void {
    if (this.#head === undefined) return;
    while (this.#pending.size > 0) {
      const next = this.#nextPending()!;
      if (next.id > this.#head && !follows(this.#head, next.id)) {
        this.#fill();
        return;
      }
      this.#pending.delete(next.id);
      if (next.id > this.#head) this.#deliver(next);
    }
  }

  #nextPending(): LogEvent | undefined {
    let first: LogEvent | undefined;
    for (const message of this.#pending.values()) {
      if (!first || message.id < first.id) first = message;
    }
    return first;
  }

  /**
   * Reads what follows the head from the store. A fill that finds nothing new
   * while a gap remains before a message that was pending when it read means
   * the store no longer has those ids: the messages go out across the gap
   * (see {@linkcode crossGaps}); one that came during the read makes it read
   * again. A failed read is retried.
   */
  async #fill(): Promise<void> {
    if (this.#head === undefined || this.#filling) return;
    await this.#fillOnce(this.#head);
    if (this.#refill && !this.#filling) {
      this.#refill = false;
      await this.#fill();
    }
  }

  async #fillOnce(from: string): Promise<void> {
    this.#filling = true;
    const seenBeforeRead = new Set(this.#pending.keys());
    let progressed = false;
    let failed = false;
    try {
      for (const message of await this.#options.load(from)) {
        this.#pending.delete(message.id);
        if (message.id > this.#head!) {
          this.#deliver(message);
          progressed = true;
        }
      }
    } catch (error) {
      failed = true;
      this.#options.onError?.(error);
    } finally {
      this.#filling = false;
    }
    if (failed) {
      if (this.#peers.size > 0) {
        this.#clock.setTimeout(() => this.#fill(), FILL_RETRY_MS);
      }
      return;
    }
    if (!progressed) {
      const crossing = crossGaps(this.#head!, {
        pending: this.#pending.values(),
        seenBeforeRead,
      });
      for (const gap of crossing.gaps) this.#options.onGapCrossed?.(gap);
      for (const message of crossing.events) {
        this.#pending.delete(message.id);
        this.#deliver(message);
      }
    }
    this.#drain();
  }
}
