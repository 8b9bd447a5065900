import { within } from "../clock.ts";
import { errorFields } from "../log.ts";
import { Gate } from "../rooms/gate.ts";
import type { Identity } from "../rooms/identity.ts";
import type { Roles } from "../people/roster.ts";
import type {
  ControlEvent,
  ErrorCode,
  ModerationFrame,
  SendFrame,
} from "../protocol/events.ts";
import { ConnectionRates } from "./connection_rates.ts";
import { TYPING_INTERVAL_MS } from "../protocol/limits.ts";
import { guestKey } from "./owner.ts";
import { storeMessage } from "./store_message.ts";
import { type ChangeFrame, changeMessage } from "./message_changes.ts";
import { mayChange } from "./permissions.ts";
import { Throttle } from "./rate_limit.ts";
import type { Peer } from "./peer.ts";
import type { Room } from "./room.ts";
import { giveBack, join, type JoinHost } from "./join.ts";
import type { SessionContext, SessionOptions } from "./session_context.ts";
import { Outbound } from "./outbound.ts";
import {
  CLOSE_KICKED,
  CLOSE_SIGNED_OUT,
  CLOSE_SLOW_CONSUMER,
  CLOSE_TOO_LARGE,
} from "../protocol/close_codes.ts";
import {
  closeLabel,
  closeReason,
  type SessionState,
  type Step,
  step,
} from "./session_state.ts";

/** Longest a closed socket stays counted while its name is given back. */
const RELEASE_WAIT_MS = 5_000;

let nextSession = 0;
/** What `#joining` and `#released` are before there is anything to wait for: one promise for every session. */
const SETTLED: Promise<void> = Promise.resolve();

/**
 * One WebSocket in one room: does what the protocol's state machine
 * (session_state.ts) decides, with the join (join.ts) and the writer
 * (outbound.ts) on their own. Its socket's listener itself, with no closure.
 */
export class Session implements Peer {
  readonly #n = ++nextSession;
  /** Unguessable and unique across processes: the dedupe scope of a connection without `clientId`. */
  readonly #connectionKey = crypto.randomUUID();
  readonly room: string;
  canonical = "";
  username = "";
  #socket: WebSocket;
  #context: SessionContext;
  #state: SessionState = "new";
  #joinedRoom: Room | undefined;
  #clientId: string | undefined;
  #out: Outbound;
  #coalesce = false;
  /** Absent when rate limits are off. */
  #rates: ConnectionRates | undefined;
  #typing: Throttle | undefined;
  #joining = SETTLED;
  #released = SETTLED;
  #closeReason: string | undefined;
  #gate: Gate | undefined;
  #identity: Identity | null;
  #urlToken: string | undefined;
  #onClosed: ((session: Session) => void) | undefined;
  /** Who joined: kind, name and the key that owns what they send. */
  #who: Identity | undefined;
  /** The key the name is held under in presence (its look-alike key). */
  #claimKey = "";

  /** Takes over an upgraded socket. */
  constructor(
    socket: WebSocket,
    options: SessionOptions<Session>,
  ) {
    const { context } = options;
    this.#socket = socket;
    this.room = options.room;
    this.#context = context;
    this.#identity = options.identity ?? null;
    this.#urlToken = options.urlToken;
    this.#onClosed = options.onClosed;
    if (context.rateLimit) {
      this.#rates = new ConnectionRates({
        on: true,
        address: options.address ?? "",
        addressRates: context.addressRates,
        clock: context.clock,
      });
    }
    this.#out = new Outbound(socket, {
      maxBufferedBytes: context.maxBufferedBytes,
      clock: context.clock,
      onSlow: () => this.#slow(),
    });
    if (context.access) {
      this.#gate = new Gate(context.access, {
        room: options.room,
        identity: this.#identity,
        address: options.address,
        clock: context.clock,
      });
    }
    socket.addEventListener("message", this);
    socket.addEventListener("close", this);
  }

  /** The session's name in logs. */
  get id(): string {
    return `s${this.#n}`;
  }

  /** Takes its socket's `message` and `close` events. */
  handleEvent(event: Event): void {
    if (event.type === "message") {
      return this.#onMessage((event as MessageEvent).data);
    }
    if (event.type !== "close") return;
    this.#finish((event as CloseEvent).code, event as CloseEvent);
    // Counted as open until its name is given back (a join under way
    // included), for at most RELEASE_WAIT_MS.
    within(this.#joining.then(() => this.#released), {
      ms: RELEASE_WAIT_MS,
      clock: this.#context.clock,
    }).finally(() => this.#onClosed?.(this));
  }

  #slow(): void {
    this.close(CLOSE_SLOW_CONSUMER, "slow consumer: too much unsent data");
    this.#finish(CLOSE_SLOW_CONSUMER);
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

  /** Answers with an error; one about a `message` frame carries its `nonce`. */
  #error(code: ErrorCode, message: string, nonce?: string): void {
    this.#context.metrics.rejected.inc(code);
    this.#out.event({
      type: "error",
      code,
      message,
      ...(nonce === undefined ? {} : { nonce }),
    });
  }

  #onMessage(data: unknown): void {
    const next = step(this.#state, { data, draining: this.#context.draining });
    if (next.do === "ignore") return;
    if (next.do === "error") {
      return this.#error(next.code, next.message, next.nonce);
    }
    if (next.do === "too_large") {
      this.#error("too_large", next.message);
      return this.close(CLOSE_TOO_LARGE, "message too large");
    }
    this.#handle(next).catch((error) => {
      this.#context.log("error", "session_error", {
        room: this.room,
        ...errorFields(error),
      });
      this.#error(
        "server_error",
        "Something went wrong on the server.",
        next.do === "message" ? next.frame.nonce : undefined,
      );
    });
  }

  async #handle(
    next: Exclude<Step, { do: "ignore" | "error" | "too_large" }>,
  ): Promise<void> {
    if (next.do === "join") {
      const joining = join(this.#host(), next.frame);
      const settled: Promise<void> = joining.catch(() => {}).then(() => {
        if (this.#joining === settled) this.#joining = SETTLED;
      });
      this.#joining = settled;
      return await joining;
    }
    const out = await this.#gate?.current();
    if (out) return this.kick(out);
    if (next.do === "change") {
      const changing = this.#change(next.frame);
      this.#context.track(changing);
      return await changing;
    }
    if (next.do === "moderate") return await this.#moderate(next.frame);
    const gate = this.#gate;
    await gate?.settled();
    if (next.do === "message") {
      if (gate && gate.check("message") !== "allow") {
        return this.#error("forbidden", gate.refusal());
      }
      const saying = this.#say(next.frame);
      this.#context.track(saying);
      return await saying;
    }
    if (gate && gate.check("typing") !== "allow") return;
    this.#typing ??= new Throttle(TYPING_INTERVAL_MS, this.#context.clock);
    if (this.#typing.pass()) {
      this.#context.fanout.publish(this.room, {
        type: "typing",
        username: this.username,
      });
    }
  }

  async #say(frame: SendFrame): Promise<void> {
    if (!this.#allowMessage(frame.nonce)) return;
    if (this.#gate && !(await this.#gate.slowModePasses())) {
      return this.#error(
        "rate_limited",
        `Slow mode: one message every ${this.#gate.slowModeS} s in this room.`,
      );
    }
    const { fanout, metrics } = this.#context;
    metrics.received.inc();
    const result = await storeMessage(this.#context, {
      room: this.room,
      frame,
      entry: {
        username: this.username,
        dedupeKey: frame.nonce === undefined ? undefined : guestKey({
          clientId: this.#clientId,
          connection: this.#connectionKey,
        }),
        owner: this.#owner,
        after: this.#joinedRoom?.head,
      },
    });
    if ("code" in result) {
      return this.#error(result.code, result.message, frame.nonce);
    }
    const head = this.#joinedRoom?.head;
    if (result.duplicate && head !== undefined && result.message.id <= head) {
      this.#out.event(result.message);
      return;
    }
    // A duplicate not yet handed out was stored, but its first send failed
    // (e.g. Redis WAIT timed out): the room still has to hear it.
    if (!result.duplicate) metrics.stored.inc();
    fanout.publish(this.room, result.message);
  }

  /** True when this connection may send one more message or change; else answers `rate_limited`. */
  #allowMessage(nonce?: string): boolean {
    if (this.#rates?.allow("message") ?? true) return true;
    const message = "You are sending messages too fast; wait a moment.";
    this.#error("rate_limited", message, nonce);
    return false;
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
    if (!this.#allowMessage()) return;
    const { fanout, metrics } = this.#context;
    metrics.received.inc();
    const gate = this.#gate;
    const actor = { owner: this.#owner, username: this.username };
    const outcome = await changeMessage(this.#context, {
      room: this.room,
      frame,
      actor,
      after: this.#joinedRoom?.head,
      decide: (action, own) =>
        gate
          ? gate.check(action, { own }) === "allow"
          : mayChange(actor, { action, own }),
    });
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
    this.#shut({ code: "kicked", message, close: CLOSE_KICKED });
  }

  /** Sends `unauthorized` and closes the socket with 4001: its sign-in session ended. */
  signedOut(): void {
    const message = "You signed out; sign in again to go on.";
    this.#shut({ code: "unauthorized", message, close: CLOSE_SIGNED_OUT });
  }

  #shut(end: { code: ErrorCode; message: string; close: number }): void {
    if (this.#state === "closed") return;
    this.#error(end.code, end.message);
    this.close(end.close, end.code === "kicked" ? "kicked" : "signed out");
    this.#finish(end.close);
  }

  /** Gives the room and the name back; `announce` tells the others when it was the name's last connection. */
  #leaveRoom(announce: boolean): void {
    const room = this.#joinedRoom;
    if (!room) return;
    this.#joinedRoom = undefined;
    room.remove(this);
    this.#context.hub.release(this.room);
    this.#released = giveBack(this.#context, {
      room: this.room,
      claimKey: this.#claimKey,
      username: this.username,
      announce,
      roles: () => this.#roles(),
    });
  }

  /** What the join reads and changes of this session. */
  #host(): JoinHost {
    return {
      id: this.id,
      room: this.room,
      context: this.#context,
      gate: this.#gate,
      out: this.#out,
      connectionKey: this.#connectionKey,
      arrival: { identity: this.#identity, urlToken: this.#urlToken },
      state: () => this.#state,
      setState: (state) => {
        this.#state = state;
      },
      error: (code, message) => this.#error(code, message),
      allowJoin: () => this.#rates?.allow("join") ?? true,
      roles: () => this.#roles(),
      enter: (room, joined) => {
        this.canonical = joined.canonical;
        this.username = joined.username;
        this.#who = joined.who;
        this.#claimKey = joined.claimKey;
        this.#clientId = joined.clientId;
        this.#out.batch = joined.batch;
        this.#coalesce = joined.coalesce;
        this.#out.hold();
        this.#joinedRoom = room;
        room.add(this);
      },
      leave: () => this.#leaveRoom(false),
      welcomed: (list) => this.#joinedRoom?.welcomed(this, list),
    };
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
    const reason = closeReason(this.#closeReason, event);
    this.#context.metrics.closes.inc(closeLabel(reason));
    const routine = ["client", "server_shutting_down"].includes(
      closeLabel(reason),
    );
    this.#context.log(routine ? "debug" : "info", "disconnect", {
      room: this.room,
      session: this.id,
      code,
      reason,
      joined: wasJoined,
    });
  }
}
