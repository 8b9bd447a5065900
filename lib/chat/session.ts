import { type MessageStore, quoteOf, RoomLimitError } from "../store/store.ts";
import { errorFields, type Logger } from "../log.ts";
import type { ChatMetrics } from "../metrics.ts";
import type { RoomAccess } from "../rooms/access.ts";
import { Gate } from "../rooms/gate.ts";
import type { Identity } from "../rooms/identity.ts";
import { decideJoin } from "../people/join.ts";
import type { People } from "../people/people.ts";
import { type Roles, toPeople } from "../people/roster.ts";
import { lookAlikeKey } from "../people/skeleton.ts";
import type {
  ClientFrame,
  ControlEvent,
  ErrorCode,
  JoinFrame,
  LogEvent,
  ModerationFrame,
  SendFrame,
  ServerEvent,
} from "../protocol/events.ts";
import type { AddressRates, RateKind } from "./address_rates.ts";
import type { Fanout } from "./fanout.ts";
import { isTooLarge, parseFrame, utf8Length } from "./frames.ts";
import type { Hub } from "./hub.ts";
import { canonicalName, parseUsername } from "../protocol/names.ts";
import { MAX_FRAME_BYTES, TYPING_INTERVAL_MS } from "../protocol/limits.ts";
import { guestKey } from "./owner.ts";
import { type ChangeFrame, changeMessage } from "./message_changes.ts";
import { mayChange } from "./permissions.ts";
import type { Presence } from "./presence.ts";
import { fitReplay } from "./replay.ts";
import { Throttle, TokenBucket } from "./rate_limit.ts";
import type { Peer, Room } from "./room.ts";
import { CLOSE_SLOW_CONSUMER, Outbound } from "./outbound.ts";

/** Most messages replayed in a welcome after `since`. */
export const MAX_REPLAY = 1000;
/** Messages in a welcome without `since`. */
export const WELCOME_HISTORY = 50;
/** Close code for a frame over the size limit. */
export const CLOSE_TOO_LARGE = 1009;
/** Close code when the server goes away. */
export const CLOSE_GOING_AWAY = 1001;
/** The per-connection message rate limit: a burst of 10, refilled at one a second. */
export const RATE_LIMIT = { burst: 10, perSecond: 1 } as const;
/** The per-connection limit on joins with a valid name: a burst of 10, refilled at one a second. */
export const JOIN_RATE_LIMIT = { burst: 10, perSecond: 1 } as const;
/** Close code for a person kicked, banned or removed from the room. */
export const CLOSE_KICKED = 4003;
/** Longest a closed socket stays counted while its name is given back. */
const RELEASE_WAIT_MS = 5_000;

/** What every session of a server shares. */
export interface SessionContext {
  store: MessageStore;
  fanout: Fanout;
  hub: Hub;
  presence: Presence;
  log: Logger;
  rateLimit: boolean;
  /** The budgets of client addresses, across their connections (with `rateLimit`). */
  addressRates?: AddressRates;
  /** Most bytes waiting unsent on one socket before it is closed as a slow consumer. */
  maxBufferedBytes: number;
  metrics: ChatMetrics;
  /** Rooms with access: the permission table on every frame (absent: everything is allowed). */
  access?: RoomAccess;
  /** Accounts and tokens: who a `join` may be (guests only when absent). */
  people?: People;
  /** Set at shutdown: frames that arrive from then on are not taken. */
  draining?: boolean;
  /** Keeps a message's store write and its delivery alive through shutdown. */
  track(work: Promise<unknown>): void;
}

let nextSession = 0;

/** One WebSocket in one room: the protocol's state machine for that connection. */
export class Session implements Peer {
  readonly id = `s${++nextSession}`;
  /** Unguessable and unique across processes: the dedupe scope of a connection without `clientId`. */
  readonly #connectionKey = crypto.randomUUID();
  readonly room: string;
  canonical = "";
  username = "";
  #socket: WebSocket;
  #context: SessionContext;
  #state: "new" | "joining" | "joined" | "closed" = "new";
  #joinedRoom: Room | undefined;
  #clientId: string | undefined;
  #out: Outbound;
  #coalesce = false;
  #bucket: TokenBucket | undefined;
  #joins: TokenBucket | undefined;
  #address: string;
  #typing: Throttle | undefined;
  #joining: Promise<void> = Promise.resolve();
  #released: Promise<void> = Promise.resolve();
  #closeReason: string | undefined;
  #gate: Gate | undefined;
  #arrival: { identity: Identity | null; urlToken?: string };
  /** Who joined: kind, name and the key that owns what they send. */
  #who: Identity | undefined;
  /** The key the name is held under in presence (its look-alike key). */
  #claimKey = "";

  /** Takes over an upgraded socket. */
  constructor(
    socket: WebSocket,
    options: {
      room: string;
      context: SessionContext;
      /** Who opened the socket (session cookie, `?token=`); null or absent for a guest. */
      identity?: Identity | null;
      /** The client's address, which holds a guest's ban. */
      address?: string;
      /** The `?token=` of the WebSocket URL. */
      urlToken?: string;
      /** Told when the socket itself has closed. */
      onClosed?: () => void;
    },
  ) {
    this.#socket = socket;
    this.room = options.room;
    this.#context = options.context;
    this.#arrival = {
      identity: options.identity ?? null,
      urlToken: options.urlToken,
    };
    this.#address = options.address ?? "";
    this.#out = new Outbound(socket, {
      maxBufferedBytes: options.context.maxBufferedBytes,
      onSlow: () => {
        this.close(CLOSE_SLOW_CONSUMER, "slow consumer: too much unsent data");
        this.#finish(CLOSE_SLOW_CONSUMER);
      },
    });
    if (options.context.access) {
      this.#gate = new Gate(options.context.access, {
        room: options.room,
        identity: options.identity ?? null,
        address: options.address,
      });
    }
    socket.onmessage = (event) => this.#onMessage(event.data);
    socket.onclose = (event) => {
      this.#finish(event.code, event);
      // Counted as open until its name is given back (a join under way
      // included), for at most RELEASE_WAIT_MS.
      let timer: ReturnType<typeof setTimeout> | undefined;
      Promise.race([
        this.#joining.then(() => this.#released),
        new Promise((r) => timer = setTimeout(r, RELEASE_WAIT_MS)),
      ]).finally(() => {
        clearTimeout(timer);
        options.onClosed?.();
      });
    };
  }

  /** Closes the socket with `code` (1001 at shutdown); `reason` goes to the client and the log. */
  close(code: number, reason: string): void {
    this.#closeReason ??= reason;
    this.#out.flush();
    try {
      this.#socket.close(code, reason);
    } catch {
      // already closing
    }
  }

  push(frame: string, id?: string): void {
    this.#out.push(frame, id);
  }

  /** True once joined with `"batch": true`. */
  get batch(): boolean {
    return this.#out.batch;
  }

  /** True once joined with `"presence": "coalesced"`. */
  get coalescePresence(): boolean {
    return this.#coalesce;
  }

  pushShared(frame: string, ids: { first?: string; last?: string }): boolean {
    return this.#out.pushShared(frame, ids);
  }

  /**
   * Takes one `kind` token from this connection's `bucket` and from its
   * address's budget; false, with nothing taken, when either is empty.
   */
  #allow(kind: RateKind, bucket: TokenBucket): boolean {
    const { rateLimit, addressRates } = this.#context;
    if (!rateLimit) return true;
    if (!bucket.has() || addressRates?.has(this.#address, kind) === false) {
      return false;
    }
    bucket.take();
    addressRates?.take(this.#address, kind);
    return true;
  }

  /** Bytes of history a welcome may carry: the unsent-bytes cap, less the member list. */
  #welcomeBudget(lists: unknown): number {
    const rest = utf8Length(JSON.stringify(lists)) + 512;
    return Math.max(0, this.#context.maxBufferedBytes - rest);
  }

  #sendEvent(event: ServerEvent): void {
    this.#out.event(event);
  }

  /** Answers with an error; one about a `message` frame carries its `nonce`. */
  #error(code: ErrorCode, message: string, nonce?: string): void {
    this.#context.metrics.rejected.inc(code);
    this.#sendEvent({
      type: "error",
      code,
      message,
      ...(nonce === undefined ? {} : { nonce }),
    });
  }

  #onMessage(data: unknown): void {
    if (this.#state === "closed" || this.#context.draining) return;
    if (typeof data !== "string") {
      const size = data instanceof ArrayBuffer
        ? data.byteLength
        : data instanceof Blob
        ? data.size
        : 0;
      if (size > MAX_FRAME_BYTES) return this.#tooLarge();
      return this.#error("bad_frame", "Frames must be JSON text.");
    }
    if (isTooLarge(data)) return this.#tooLarge();
    const parsed = parseFrame(data);
    if (!parsed.ok) {
      const { code, message, nonce } = parsed.error;
      if (code === "invalid_message" && this.#state !== "joined") {
        return this.#error("not_joined", "Join the room first.", nonce);
      }
      return this.#error(code, message, nonce);
    }
    const frame = parsed.frame;
    this.#handle(frame).catch((error) => {
      this.#context.log("error", "session_error", {
        room: this.room,
        ...errorFields(error),
      });
      this.#error(
        "server_error",
        "Something went wrong on the server.",
        frame.type === "message" ? frame.nonce : undefined,
      );
    });
  }

  #tooLarge(): void {
    this.#error(
      "too_large",
      `Frames are limited to ${MAX_FRAME_BYTES} bytes.`,
    );
    this.close(CLOSE_TOO_LARGE, "message too large");
  }

  async #handle(frame: ClientFrame): Promise<void> {
    if (frame.type === "join") {
      const joining = this.#join(frame);
      this.#joining = joining.catch(() => {});
      return await joining;
    }
    if (this.#state !== "joined") {
      return this.#error(
        "not_joined",
        "Join the room first.",
        frame.type === "message" ? frame.nonce : undefined,
      );
    }
    const out = await this.#gate?.current();
    if (out) return this.kick(out);
    if (
      frame.type === "edit" || frame.type === "delete" ||
      frame.type === "react"
    ) {
      const changing = this.#change(frame);
      this.#context.track(changing);
      return await changing;
    }
    if (frame.type !== "message" && frame.type !== "typing") {
      return await this.#moderate(frame);
    }
    const gate = this.#gate;
    await gate?.settled();
    if (frame.type === "message") {
      if (gate && gate.check("message") !== "allow") {
        return this.#error("forbidden", gate.refusal());
      }
      const saying = this.#say(frame);
      this.#context.track(saying);
      return await saying;
    }
    if (gate && gate.check("typing") !== "allow") return;
    this.#typing ??= new Throttle(TYPING_INTERVAL_MS);
    if (this.#typing.pass()) {
      this.#context.fanout.publish(this.room, {
        type: "typing",
        username: this.username,
      });
    }
  }

  async #join(frame: JoinFrame): Promise<void> {
    if (this.#state !== "new") {
      return this.#error(
        "bad_frame",
        this.#state === "joined" ? "Already joined." : "A join is under way.",
      );
    }
    this.#state = "joining";
    const who = await this.#whoJoins(frame);
    if (!who) return;
    if (
      !this.#allow("join", this.#joins ??= new TokenBucket(JOIN_RATE_LIMIT))
    ) {
      this.#state = "new";
      return this.#error(
        "rate_limited",
        "You are joining too fast; wait a moment.",
      );
    }
    const name = { name: who.username, canonical: canonicalName(who.username) };
    if (this.#gate) {
      let verdict;
      try {
        verdict = await this.#gate.admit({
          canonical: name.canonical,
          username: name.name,
          guestKey: who.key,
          identity: who.kind === "guest" ? undefined : who,
        });
      } catch (error) {
        if (!this.#isClosed()) this.#state = "new";
        throw error;
      }
      if (this.#isClosed()) return;
      if (verdict !== "allow") {
        this.#state = "new";
        return this.#error("forbidden", this.#gate.refusal());
      }
    }
    const { hub, store, fanout, presence } = this.#context;
    let room: Room;
    try {
      room = await hub.acquire(this.room);
    } catch (error) {
      this.#state = "new";
      throw error;
    }
    const identity = {
      username: name.name,
      canonical: lookAlikeKey(name.name),
      clientId: who.key,
    };
    let outcome;
    try {
      outcome = this.#isClosed()
        ? "taken"
        : await presence.claim(this.room, identity);
    } catch (error) {
      hub.release(this.room);
      if (!this.#isClosed()) this.#state = "new";
      throw error;
    }
    if (outcome === "taken") {
      hub.release(this.room);
      if (this.#isClosed()) return;
      this.#state = "new";
      return this.#error(
        "name_taken",
        `Someone in this room is already called ${name.name}.`,
      );
    }
    this.canonical = name.canonical;
    this.username = name.name;
    this.#who = who;
    this.#claimKey = identity.canonical;
    this.#clientId = frame.clientId;
    // Set before the room sees this peer: joins that arrive while the welcome
    // is being read are gathered for it like for everyone else.
    this.#out.batch = frame.batch === true;
    this.#coalesce = frame.presence === "coalesced";
    this.#out.hold();
    this.#joinedRoom = room;
    room.add(this);
    if (this.#isClosed()) return this.#leaveRoom(false);
    let history: LogEvent[];
    let truncated = false;
    let members: string[];
    let people;
    try {
      const [page, online] = await Promise.all([
        frame.since === undefined
          ? store.before(this.room, { limit: WELCOME_HISTORY }).then((
            messages,
          ) => ({ messages, truncated: false }))
          : store.after(this.room, { since: frame.since, limit: MAX_REPLAY }),
        presence.roster(this.room),
      ]);
      history = page.messages;
      truncated = page.truncated;
      members = online.map((person) => person.username);
      people = toPeople(online, this.#roles());
    } catch (error) {
      this.#out.drop();
      this.#leaveRoom(false);
      if (!this.#isClosed()) this.#state = "new";
      throw error;
    }
    if (this.#isClosed()) return;
    this.#state = "joined";
    this.#out.lastId = history.at(-1)?.id ?? frame.since ?? "";
    if (frame.since !== undefined && frame.since > this.#out.lastId) {
      this.#out.lastId = frame.since;
    }
    const fit = fitReplay(history, this.#welcomeBudget([members, people]));
    this.#out.now({
      type: "welcome",
      room: this.room,
      username: this.username,
      members,
      people,
      history: fit.events,
      ...(truncated || (fit.cut && frame.since !== undefined)
        ? { truncated: true }
        : {}),
    });
    this.#out.release();
    this.#context.log("debug", "join", {
      room: this.room,
      session: this.id,
      again: outcome === "again",
    });
    if (outcome === "first") {
      fanout.publish(this.room, {
        type: "joined",
        username: this.username,
        ts: Date.now(),
        members,
        people,
      });
    }
  }

  async #say(frame: SendFrame): Promise<void> {
    if (!this.#allow("message", this.#bucket ??= new TokenBucket(RATE_LIMIT))) {
      return this.#error(
        "rate_limited",
        "You are sending messages too fast; wait a moment.",
        frame.nonce,
      );
    }
    if (this.#gate && !(await this.#gate.slowModePasses())) {
      return this.#error(
        "rate_limited",
        `Slow mode: one message every ${this.#gate.slowModeS} s in this room.`,
      );
    }
    const { store, fanout, metrics } = this.#context;
    metrics.received.inc();
    let result;
    try {
      const target = frame.replyTo === undefined
        ? undefined
        : await store.get(this.room, frame.replyTo);
      if (frame.replyTo !== undefined && (!target || target.message.deleted)) {
        return this.#error(
          "not_found",
          "The message you answer is not in this room.",
          frame.nonce,
        );
      }
      result = await store.append(this.room, {
        username: this.username,
        text: frame.text,
        ts: Date.now(),
        nonce: frame.nonce,
        dedupeKey: frame.nonce === undefined ? undefined : guestKey({
          clientId: this.#clientId,
          connection: this.#connectionKey,
        }),
        owner: this.#owner,
        replyTo: frame.replyTo,
      });
      if (target && result.message.replyTo === target.message.id) {
        result.message.reply ??= quoteOf(target.message);
      }
    } catch (error) {
      if (error instanceof RoomLimitError) {
        return this.#error(error.code, error.message, frame.nonce);
      }
      this.#context.log("error", "store_failed", {
        room: this.room,
        ...errorFields(error),
      });
      return this.#error(
        "server_error",
        "The message could not be stored; send it again.",
        frame.nonce,
      );
    }
    const head = this.#joinedRoom?.head;
    if (result.duplicate && head !== undefined && result.message.id <= head) {
      this.#sendEvent(result.message);
      return;
    }
    // A duplicate not yet handed out was stored, but its first send failed
    // (e.g. Redis WAIT timed out): the room still has to hear it.
    if (!result.duplicate) metrics.stored.inc();
    fanout.publish(this.room, result.message);
  }

  /** Owner key of what this connection sends: the account or token, else the guest's. */
  get #owner(): string {
    if (this.#who) return this.#who.key;
    const identity = this.#gate?.identity;
    if (identity && identity.kind !== "guest") return identity.key;
    return guestKey({
      clientId: this.#clientId,
      connection: this.#connectionKey,
    });
  }

  /** Edits, deletes or reacts to a stored message of this room. */
  async #change(frame: ChangeFrame): Promise<void> {
    if (!this.#allow("message", this.#bucket ??= new TokenBucket(RATE_LIMIT))) {
      return this.#error(
        "rate_limited",
        "You are sending messages too fast; wait a moment.",
      );
    }
    const { store, fanout, metrics, log } = this.#context;
    metrics.received.inc();
    const gate = this.#gate;
    const actor = { owner: this.#owner, username: this.username };
    let outcome;
    try {
      outcome = await changeMessage(store, {
        room: this.room,
        frame,
        actor,
        decide: (action, own) =>
          gate
            ? gate.check(action, { own }) === "allow"
            : mayChange(actor, { action, own }),
      });
    } catch (error) {
      log("error", "store_failed", { room: this.room, ...errorFields(error) });
      return this.#error(
        "server_error",
        "The change could not be stored; try again.",
      );
    }
    if ("code" in outcome) {
      const words = outcome.code === "forbidden" && gate?.muted
        ? gate.refusal()
        : outcome.message;
      return this.#error(outcome.code, words);
    }
    if (!outcome.event) return;
    metrics.stored.inc();
    fanout.publish(this.room, outcome.event);
  }

  async #moderate(frame: ModerationFrame): Promise<void> {
    if (!this.#gate) {
      return this.#error("forbidden", "This server has no moderation.");
    }
    const refused = await this.#gate.moderate(frame, this.username);
    if (refused) this.#error(refused.code, refused.message);
  }

  /**
   * Looks again after a control event from any server: a kick, a ban or a
   * removal that names this person, or a change of settings that shuts it
   * out, ends the socket with `kicked`; a mute holds from the next frame.
   */
  async recheck(control: ControlEvent): Promise<void> {
    if (!this.#gate || this.#state !== "joined") return;
    const out = await this.#gate.shutOut(control, this.canonical);
    if (out && this.#state === "joined") this.kick(out);
  }

  /** Sends `kicked` and closes the socket with 4003. */
  kick(message: string): void {
    if (this.#state === "closed") return;
    this.#error("kicked", message);
    this.close(CLOSE_KICKED, "kicked");
    this.#finish(CLOSE_KICKED);
  }

  /** Gives the room and the name back; `announce` tells the others when it was the name's last connection. */
  #leaveRoom(announce: boolean): void {
    const room = this.#joinedRoom;
    if (!room) return;
    this.#joinedRoom = undefined;
    room.remove(this);
    const { hub, presence, fanout, track, log } = this.#context;
    hub.release(this.room);
    const release = (async () => {
      const last = await presence.release(this.room, this.#claimKey);
      if (!last || !announce) return;
      const roster = await presence.roster(this.room);
      fanout.publish(this.room, {
        type: "left",
        username: this.username,
        ts: Date.now(),
        members: roster.map((person) => person.username),
        people: toPeople(roster, this.#roles()),
      });
    })();
    track(release);
    this.#released = release.catch(() => {});
    release.catch((error) =>
      log("warn", "presence_release_failed", {
        room: this.room,
        ...errorFields(error),
      })
    );
  }

  /** Decides who the `join` makes this socket; answers the error and returns undefined when it is refused. */
  async #whoJoins(frame: JoinFrame): Promise<Identity | undefined> {
    const people = this.#context.people;
    let decision;
    try {
      decision = people
        ? await decideJoin(frame, {
          people,
          room: this.room,
          arrival: { ...this.#arrival, connection: this.#connectionKey },
        })
        : undefined;
    } catch (error) {
      if (!this.#isClosed()) this.#state = "new";
      throw error;
    }
    if (this.#isClosed()) return undefined;
    if (!decision) {
      const name = parseUsername(frame.username ?? "");
      if (frame.username === undefined || !name.ok) {
        this.#state = "new";
        this.#error(
          frame.username === undefined ? "bad_frame" : "invalid_username",
          name.ok ? '"join" needs a "username" string.' : name.reason,
        );
        return undefined;
      }
      return {
        kind: "guest",
        username: name.name,
        key: guestKey({
          clientId: frame.clientId,
          connection: this.#connectionKey,
        }),
      };
    }
    if (!decision.ok) {
      this.#state = "new";
      this.#error(decision.code, decision.message);
      return undefined;
    }
    return decision.identity;
  }

  /** Who holds which role here: the room's owner and moderators as read at join, and the admins. */
  #roles(): Roles {
    const settings = this.#gate?.look?.settings;
    return {
      owner: settings?.owner,
      moderators: settings?.moderators,
      admins: this.#context.people?.admins,
    };
  }

  #isClosed(): boolean {
    return this.#state === "closed";
  }

  /**
   * Ends the session once: leaves the room and says so. Runs when the socket
   * closes, or at once when the server gives up on a reader that does not
   * read, whose closing handshake may never complete.
   */
  #finish(code: number, event?: CloseEvent): void {
    this.#out.stop();
    if (this.#state === "closed") return;
    const wasJoined = this.#state === "joined";
    this.#state = "closed";
    this.#leaveRoom(wasJoined);
    const idle = event !== undefined && !event.wasClean &&
      /ping/i.test(event.reason);
    const reason = this.#closeReason ??
      (idle ? "idle timeout: no pong" : "client");
    this.#context.metrics.closes.inc(
      reason.split(":")[0].replaceAll(" ", "_"),
    );
    this.#context.log("info", "disconnect", {
      room: this.room,
      session: this.id,
      code,
      reason,
      joined: wasJoined,
    });
  }
}
