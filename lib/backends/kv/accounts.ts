import { expireLater } from "./expiry.ts";
import type {
  Account,
  AccountStore,
  FailureWindow,
  PasskeyCredential,
  SessionRecord,
} from "../../people/accounts.ts";

const ROOT = "people";
/** Attempts of an optimistic read-modify-write before giving up. */
const MAX_ATTEMPTS = 16;

/**
 * People in Deno KV, beside the messages. Sessions, counters and challenges
 * expire through the message store's sweep (`lib/backends/kv/expiry.ts`), never
 * Deno KV's `expireIn`, whose background thread ends the process when a
 * delete fails on a full disk; each carries its end time too, since the
 * sweep runs only every second.
 */
export class KvAccounts implements AccountStore {
  #kv: Deno.Kv;

  /** Uses an open database (the message store's). */
  constructor(kv: Deno.Kv) {
    this.#kv = kv;
  }

  async create(
    account: Account,
    options: { credential?: PasskeyCredential } = {},
  ): Promise<boolean> {
    const accountKey = [ROOT, "account", account.canonical];
    const alikeKey = [ROOT, "alike", account.lookAlike];
    const op = this.#kv.atomic()
      .check({ key: accountKey, versionstamp: null })
      .check({ key: alikeKey, versionstamp: null })
      .set(accountKey, account)
      .set(alikeKey, account.canonical);
    const credential = options.credential;
    if (credential) {
      op.set([ROOT, "cred", credential.id], credential)
        .set([ROOT, "credby", credential.canonical, credential.id], true);
    }
    return (await op.commit()).ok;
  }

  async get(canonical: string): Promise<Account | null> {
    return (await this.#kv.get<Account>([ROOT, "account", canonical])).value;
  }

  async ownerOfLookAlike(key: string): Promise<string | null> {
    return (await this.#kv.get<string>([ROOT, "alike", key])).value;
  }

  async addCredential(credential: PasskeyCredential): Promise<void> {
    await this.#kv.atomic()
      .set([ROOT, "cred", credential.id], credential)
      .set([ROOT, "credby", credential.canonical, credential.id], true)
      .commit();
  }

  async credential(id: string): Promise<PasskeyCredential | null> {
    return (await this.#kv.get<PasskeyCredential>([ROOT, "cred", id])).value;
  }

  async credentials(canonical: string): Promise<PasskeyCredential[]> {
    const out: PasskeyCredential[] = [];
    for await (
      const entry of this.#kv.list({ prefix: [ROOT, "credby", canonical] })
    ) {
      const credential = await this.credential(String(entry.key.at(-1)));
      if (credential) out.push(credential);
    }
    return out;
  }

  async setCounter(id: string, counter: number): Promise<void> {
    await this.#update<PasskeyCredential>(
      [ROOT, "cred", id],
      (current) => current ? { value: { ...current, counter } } : undefined,
    );
  }

  async putSession(id: string, record: SessionRecord): Promise<void> {
    const key = [ROOT, "session", id];
    const op = this.#kv.atomic().set(key, record);
    expireLater(op, {
      key,
      ttlMs: Math.max(1, record.expiresAt - Date.now()),
    });
    await op.commit();
  }

  async session(id: string): Promise<SessionRecord | null> {
    const record =
      (await this.#kv.get<SessionRecord>([ROOT, "session", id])).value;
    return record && record.expiresAt > Date.now() ? record : null;
  }

  async dropSession(id: string): Promise<void> {
    await this.#kv.delete([ROOT, "session", id]);
  }

  async countFailure(key: string, windowMs: number): Promise<FailureWindow> {
    let result: FailureWindow = { count: 0, resetAt: 0 };
    await this.#update<FailureWindow>([ROOT, "fail", key], (current) => {
      const now = Date.now();
      result = current && current.resetAt > now
        ? { count: current.count + 1, resetAt: current.resetAt }
        : { count: 1, resetAt: now + windowMs };
      return { value: result, ttlMs: result.resetAt - now };
    });
    return result;
  }

  async failures(key: string): Promise<FailureWindow | null> {
    const window = (await this.#kv.get<FailureWindow>([ROOT, "fail", key]))
      .value;
    return window && window.resetAt > Date.now() ? window : null;
  }

  async clearFailures(key: string): Promise<void> {
    await this.#kv.delete([ROOT, "fail", key]);
  }

  async putChallenge(id: string, value: string, ttlMs: number): Promise<void> {
    const key = [ROOT, "challenge", id];
    const op = this.#kv.atomic().set(key, {
      value,
      expiresAt: Date.now() + ttlMs,
    });
    expireLater(op, { key, ttlMs });
    await op.commit();
  }

  async takeChallenge(id: string): Promise<string | null> {
    const key = [ROOT, "challenge", id];
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const entry = await this.#kv.get<{ value: string; expiresAt: number }>(
        key,
      );
      if (!entry.value) return null;
      const { ok } = await this.#kv.atomic().check(entry).delete(key).commit();
      if (ok) {
        return entry.value.expiresAt > Date.now() ? entry.value.value : null;
      }
    }
    return null;
  }

  async #update<T>(
    key: Deno.KvKey,
    change: (current: T | null) => { value: T; ttlMs?: number } | undefined,
  ): Promise<void> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const entry = await this.#kv.get<T>(key);
      const next = change(entry.value);
      if (!next) return;
      const op = this.#kv.atomic().check(entry).set(key, next.value);
      if (next.ttlMs) expireLater(op, { key, ttlMs: next.ttlMs });
      const { ok } = await op.commit();
      if (ok) return;
    }
    throw new Error("storage too busy: try again");
  }
}
