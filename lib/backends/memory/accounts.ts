import { type Clock, systemClock } from "../../clock.ts";
import type {
  Account,
  AccountStore,
  FailureWindow,
  PasskeyCredential,
  SessionRecord,
} from "../../people/accounts.ts";

/** Most live entries in each expiring map before the oldest are dropped (sessions, counters, challenges). */
export const MAX_MEMORY_ENTRIES = 100_000;

class ExpiringMap<V> {
  #entries = new Map<string, { value: V; expiresAt: number }>();
  #clock: Clock;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  get(key: string): V | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.#clock.now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  set(key: string, value: V, expiresAt: number): void {
    this.#entries.delete(key);
    this.#entries.set(key, { value, expiresAt });
    if (this.#entries.size > MAX_MEMORY_ENTRIES) {
      const now = this.#clock.now();
      for (const [k, entry] of this.#entries) {
        if (entry.expiresAt <= now) this.#entries.delete(k);
      }
      while (this.#entries.size > MAX_MEMORY_ENTRIES) {
        this.#entries.delete(this.#entries.keys().next().value!);
      }
    }
  }

  delete(key: string): void {
    this.#entries.delete(key);
  }
}

/** People kept in this process only (the memory store). */
export class MemoryAccounts implements AccountStore {
  #accounts = new Map<string, Account>();
  #lookAlikes = new Map<string, string>();
  #credentials = new Map<string, PasskeyCredential>();
  #clock: Clock;
  #sessions: ExpiringMap<SessionRecord>;
  #failures: ExpiringMap<FailureWindow>;
  #challenges: ExpiringMap<string>;

  /** Sessions, failure windows and challenges expire on `clock` (the real one by default). */
  constructor(options: { clock?: Clock } = {}) {
    this.#clock = options.clock ?? systemClock;
    this.#sessions = new ExpiringMap(this.#clock);
    this.#failures = new ExpiringMap(this.#clock);
    this.#challenges = new ExpiringMap(this.#clock);
  }

  create(
    account: Account,
    options: { credential?: PasskeyCredential } = {},
  ): Promise<boolean> {
    if (
      this.#accounts.has(account.canonical) ||
      this.#lookAlikes.has(account.lookAlike)
    ) {
      return Promise.resolve(false);
    }
    this.#accounts.set(account.canonical, structuredClone(account));
    this.#lookAlikes.set(account.lookAlike, account.canonical);
    if (options.credential) {
      this.#credentials.set(
        options.credential.id,
        structuredClone(options.credential),
      );
    }
    return Promise.resolve(true);
  }

  get(canonical: string): Promise<Account | null> {
    const account = this.#accounts.get(canonical);
    return Promise.resolve(account ? structuredClone(account) : null);
  }

  ownerOfLookAlike(key: string): Promise<string | null> {
    return Promise.resolve(this.#lookAlikes.get(key) ?? null);
  }

  addCredential(credential: PasskeyCredential): Promise<void> {
    this.#credentials.set(credential.id, structuredClone(credential));
    return Promise.resolve();
  }

  credential(id: string): Promise<PasskeyCredential | null> {
    const credential = this.#credentials.get(id);
    return Promise.resolve(credential ? structuredClone(credential) : null);
  }

  credentials(canonical: string): Promise<PasskeyCredential[]> {
    return Promise.resolve(
      [...this.#credentials.values()]
        .filter((c) => c.canonical === canonical)
        .map((c) => structuredClone(c)),
    );
  }

  setCounter(id: string, counter: number): Promise<void> {
    const credential = this.#credentials.get(id);
    if (credential) credential.counter = counter;
    return Promise.resolve();
  }

  putSession(id: string, record: SessionRecord): Promise<void> {
    this.#sessions.set(id, { ...record }, record.expiresAt);
    return Promise.resolve();
  }

  session(id: string): Promise<SessionRecord | null> {
    const record = this.#sessions.get(id);
    return Promise.resolve(record ? { ...record } : null);
  }

  dropSession(id: string): Promise<void> {
    this.#sessions.delete(id);
    return Promise.resolve();
  }

  countFailure(key: string, windowMs: number): Promise<FailureWindow> {
    const current = this.#failures.get(key);
    const next = current
      ? { count: current.count + 1, resetAt: current.resetAt }
      : { count: 1, resetAt: this.#clock.now() + windowMs };
    this.#failures.set(key, next, next.resetAt);
    return Promise.resolve({ ...next });
  }

  failures(key: string): Promise<FailureWindow | null> {
    const current = this.#failures.get(key);
    return Promise.resolve(current ? { ...current } : null);
  }

  clearFailures(key: string): Promise<void> {
    this.#failures.delete(key);
    return Promise.resolve();
  }

  putChallenge(id: string, value: string, ttlMs: number): Promise<void> {
    this.#challenges.set(id, value, this.#clock.now() + ttlMs);
    return Promise.resolve();
  }

  takeChallenge(id: string): Promise<string | null> {
    const value = this.#challenges.get(id);
    this.#challenges.delete(id);
    return Promise.resolve(value ?? null);
  }
}
