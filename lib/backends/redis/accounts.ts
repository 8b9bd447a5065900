import { command, type RedisClient, Script } from "./client.ts";
import { RedisKeys } from "./keys.ts";
import type {
  Account,
  AccountStore,
  FailureWindow,
  PasskeyCredential,
  SessionRecord,
} from "../../people/accounts.ts";

/** KEYS: account, lookAlike, credential, credentials of the account. ARGV: account JSON, canonical, credential JSON, credential id. */
const CREATE = new Script(`
if redis.call("EXISTS", KEYS[1]) == 1 or redis.call("EXISTS", KEYS[2]) == 1 then
  return 0
end
redis.call("SET", KEYS[1], ARGV[1])
redis.call("SET", KEYS[2], ARGV[2])
if ARGV[3] ~= "" then
  redis.call("SET", KEYS[3], ARGV[3])
  redis.call("SADD", KEYS[4], ARGV[4])
end
return 1
`);

/** KEYS: counter. ARGV: window ms, now ms. Returns count, resetAt. */
const COUNT_FAILURE = new Script(`
local count = redis.call("INCR", KEYS[1])
local ttl = redis.call("PTTL", KEYS[1])
if count == 1 or ttl < 0 then
  redis.call("PEXPIRE", KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, tonumber(ARGV[2]) + ttl}
`);

/** KEYS: credential. ARGV: counter. */
const SET_COUNTER = new Script(`
local raw = redis.call("GET", KEYS[1])
if not raw then return 0 end
local credential = cjson.decode(raw)
credential.counter = tonumber(ARGV[1])
redis.call("SET", KEYS[1], cjson.encode(credential))
return 1
`);

/**
 * People in Redis, shared by every server of the same Redis: a session made
 * or revoked on one server is so on all of them at once. Accounts, names and
 * passkeys share one hash slot (`{people}`) so an account is created
 * atomically in Redis Cluster too; sessions and counters are single keys.
 */
export class RedisAccounts implements AccountStore {
  #client: RedisClient;
  #keys: RedisKeys;

  /** Uses a connected client; keys start with `prefix` (default `chat:`). */
  constructor(client: RedisClient, options: { prefix?: string } = {}) {
    this.#client = client;
    this.#keys = new RedisKeys(options.prefix);
  }

  async create(
    account: Account,
    options: { credential?: PasskeyCredential } = {},
  ): Promise<boolean> {
    const credential = options.credential;
    const created = await CREATE.run(this.#client, {
      keys: [
        this.#keys.person("account", account.canonical),
        this.#keys.person("alike", account.lookAlike),
        this.#keys.person("cred", credential?.id ?? ""),
        this.#keys.person("credby", account.canonical),
      ],
      args: [
        JSON.stringify(account),
        account.canonical,
        credential ? JSON.stringify(credential) : "",
        credential?.id ?? "",
      ],
    });
    return created === 1;
  }

  async get(canonical: string): Promise<Account | null> {
    return await this.#json<Account>(this.#keys.person("account", canonical));
  }

  async ownerOfLookAlike(key: string): Promise<string | null> {
    return await command(this.#client, [
      "GET",
      this.#keys.person("alike", key),
    ]) as
      | string
      | null;
  }

  async addCredential(credential: PasskeyCredential): Promise<void> {
    await command(this.#client, [
      "SET",
      this.#keys.person("cred", credential.id),
      JSON.stringify(credential),
    ]);
    await command(this.#client, [
      "SADD",
      this.#keys.person("credby", credential.canonical),
      credential.id,
    ]);
  }

  async credential(id: string): Promise<PasskeyCredential | null> {
    return await this.#json<PasskeyCredential>(this.#keys.person("cred", id));
  }

  async credentials(canonical: string): Promise<PasskeyCredential[]> {
    const ids = await command(this.#client, [
      "SMEMBERS",
      this.#keys.person("credby", canonical),
    ]) as string[];
    const found = await Promise.all(ids.map((id) => this.credential(id)));
    return found.filter((c): c is PasskeyCredential => c !== null);
  }

  async setCounter(id: string, counter: number): Promise<void> {
    await SET_COUNTER.run(this.#client, {
      keys: [this.#keys.person("cred", id)],
      args: [String(counter)],
    });
  }

  async putSession(id: string, record: SessionRecord): Promise<void> {
    await command(this.#client, [
      "SET",
      this.#keys.person("session", id),
      JSON.stringify(record),
      "PXAT",
      String(record.expiresAt),
    ]);
  }

  async session(id: string): Promise<SessionRecord | null> {
    const record = await this.#json<SessionRecord>(
      this.#keys.person("session", id),
    );
    return record && record.expiresAt > Date.now() ? record : null;
  }

  async dropSession(id: string): Promise<void> {
    await command(this.#client, ["DEL", this.#keys.person("session", id)]);
  }

  async countFailure(key: string, windowMs: number): Promise<FailureWindow> {
    const [count, resetAt] = await COUNT_FAILURE.run(this.#client, {
      keys: [this.#keys.person("fail", key)],
      args: [String(windowMs), String(Date.now())],
    }) as number[];
    return { count, resetAt };
  }

  async failures(key: string): Promise<FailureWindow | null> {
    const redisKey = this.#keys.person("fail", key);
    const [count, ttl] = await Promise.all([
      command(this.#client, ["GET", redisKey]),
      command(this.#client, ["PTTL", redisKey]),
    ]);
    if (count === null || typeof ttl !== "number" || ttl < 0) return null;
    return { count: Number(count), resetAt: Date.now() + ttl };
  }

  async clearFailures(key: string): Promise<void> {
    await command(this.#client, ["DEL", this.#keys.person("fail", key)]);
  }

  async putChallenge(id: string, value: string, ttlMs: number): Promise<void> {
    await command(this.#client, [
      "SET",
      this.#keys.person("challenge", id),
      value,
      "PX",
      String(ttlMs),
    ]);
  }

  async takeChallenge(id: string): Promise<string | null> {
    return await command(this.#client, [
      "GETDEL",
      this.#keys.person("challenge", id),
    ]) as string | null;
  }

  async #json<T>(key: string): Promise<T | null> {
    const raw = await command(this.#client, ["GET", key]) as string | null;
    return raw === null ? null : JSON.parse(raw) as T;
  }
}
