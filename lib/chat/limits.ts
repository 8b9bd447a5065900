/** Connection limits: a total cap and an optional per-address cap. */

/** Why an upgrade was refused, if it was. */
export type Admission = "ok" | "server_full" | "address_full";

/** Why a socket is not opened: a foreign origin, shutdown, the server's or the address's cap, a malformed upgrade. */
export type Refusal =
  | "origin"
  | "shutting_down"
  | "server_full"
  | "address_full"
  | "bad_upgrade";

/** One socket's place under the connection caps, held from admission until the socket closes. */
export interface Ticket {
  /** The client's address the place counts against. */
  address: string;
  /** Gives the place back; only the first call counts. */
  release(): void;
}

/**
 * Counts open connections, in total and per client address. The total may
 * live in shared memory (`shared[0]`), counted by every isolate of the
 * process, since they share its descriptors; the per-address count is this
 * isolate's.
 */
export class ConnectionLimiter {
  maxTotal: number;
  readonly maxPerAddress: number;
  #total: Int32Array;
  #perAddress = new Map<string, number>();

  /** `maxPerAddress` 0 turns the per-address cap off. */
  constructor(
    options: { maxTotal: number; maxPerAddress: number; shared?: Int32Array },
  ) {
    this.maxTotal = options.maxTotal;
    this.maxPerAddress = options.maxPerAddress;
    this.#total = options.shared ?? new Int32Array(1);
  }

  /** Open connections (of every isolate sharing the count). */
  get total(): number {
    return Atomics.load(this.#total, 0);
  }

  /** Admits one more connection from `address`, or says which cap it hit. */
  admit(address: string): Admission {
    const mine = this.#perAddress.get(address) ?? 0;
    if (this.maxPerAddress > 0 && mine >= this.maxPerAddress) {
      return "address_full";
    }
    if (Atomics.add(this.#total, 0, 1) >= this.maxTotal) {
      Atomics.sub(this.#total, 0, 1);
      return "server_full";
    }
    if (this.maxPerAddress > 0) this.#perAddress.set(address, mine + 1);
    return "ok";
  }

  /** Gives back a connection admitted for `address`. */
  release(address: string): void {
    Atomics.sub(this.#total, 0, 1);
    const mine = this.#perAddress.get(address);
    if (mine === undefined) return;
    if (mine <= 1) this.#perAddress.delete(address);
    else this.#perAddress.set(address, mine - 1);
  }
}

/** A place taken under a {@linkcode ConnectionLimiter}'s caps; only the first release gives it back. */
export class LimiterTicket implements Ticket {
  readonly address: string;
  #limiter: ConnectionLimiter | undefined;

  /** The place `limiter` just admitted for `address`. */
  constructor(limiter: ConnectionLimiter, address: string) {
    this.#limiter = limiter;
    this.address = address;
  }

  release(): void {
    const limiter = this.#limiter;
    this.#limiter = undefined;
    limiter?.release(this.address);
  }
}
