/** Connection limits: a total cap and an optional per-address cap. */

/** Why an upgrade was refused, if it was. */
export type Admission = "ok" | "server_full" | "address_full";

/** Counts open connections, in total and per client address. */
export class ConnectionLimiter {
  readonly maxTotal: number;
  readonly maxPerAddress: number;
  #total = 0;
  #perAddress = new Map<string, number>();

  /** `maxPerAddress` 0 turns the per-address cap off. */
  constructor(options: { maxTotal: number; maxPerAddress: number }) {
    this.maxTotal = options.maxTotal;
    this.maxPerAddress = options.maxPerAddress;
  }

  /** Open connections. */
  get total(): number {
    return this.#total;
  }

  /** Admits one more connection from `address`, or says which cap it hit. */
  admit(address: string): Admission {
    if (this.#total >= this.maxTotal) return "server_full";
    const mine = this.#perAddress.get(address) ?? 0;
    if (this.maxPerAddress > 0 && mine >= this.maxPerAddress) {
      return "address_full";
    }
    this.#total++;
    if (this.maxPerAddress > 0) this.#perAddress.set(address, mine + 1);
    return "ok";
  }

  /** Gives back a connection admitted for `address`. */
  release(address: string): void {
    this.#total--;
    const mine = this.#perAddress.get(address);
    if (mine === undefined) return;
    if (mine <= 1) this.#perAddress.delete(address);
    else this.#perAddress.set(address, mine - 1);
  }
}

/**
 * The client's address: the peer's, or, when the peer is a trusted proxy,
 * the rightmost `X-Forwarded-For` entry that is not itself a trusted proxy.
 */
export function clientAddress(
  req: Request,
  options: { peer: string; trustedProxies: readonly string[] },
): string {
  if (!options.trustedProxies.includes(options.peer)) return options.peer;
  const forwarded = req.headers.get("x-forwarded-for");
  if (!forwarded) return options.peer;
  const hops = forwarded.split(",").map((hop) => hop.trim()).filter(Boolean);
  for (let i = hops.length - 1; i >= 0; i--) {
    if (!options.trustedProxies.includes(hops[i])) return hops[i];
  }
  return hops[0] ?? options.peer;
}
