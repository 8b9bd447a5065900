import assert from "node:assert/strict";
import type { Account, AccountStore, PasskeyCredential } from "./accounts.ts";

/** Opens a fresh, empty account store for one conformance case. */
export type AccountStoreFactory = () => Promise<AccountStore>;

function account(username: string, lookAlike = username): Account {
  return {
    username,
    canonical: username.toLowerCase(),
    lookAlike,
    passwordHash: "scrypt$1$1$1$c2FsdA==$a2V5",
    userHandle: `h-${username}`,
    createdAt: 1,
  };
}

function passkey(id: string, canonical: string): PasskeyCredential {
  return {
    id,
    canonical,
    publicKey: "pk",
    counter: 0,
    transports: ["internal"],
    createdAt: 2,
  };
}

/** Waits until `ms` have passed on the wall clock (expiry is wall-clock time in every backend). */
async function pastExpiry(ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    await new Promise((r) => setTimeout(r, until - Date.now()));
  }
}

/** Registers the behaviour every account backend must have, as one Deno.test with steps. */
export function testAccountStoreConformance(
  name: string,
  open: AccountStoreFactory,
  options: { close?(): void | Promise<void> } = {},
): void {
  Deno.test({
    name: `account store conformance: ${name}`,
    async fn(t) {
      const cases: Record<string, (store: AccountStore) => Promise<void>> = {
        "an account is created once and read back": async (store) => {
          assert.equal(await store.create(account("Alice", "alice")), true);
          assert.deepEqual(await store.get("alice"), account("Alice", "alice"));
          assert.equal(await store.get("bob"), null);
          assert.equal(await store.ownerOfLookAlike("alice"), "alice");
          assert.equal(await store.ownerOfLookAlike("bob"), null);
        },
        "a second account with the same name or look-alike key is refused":
          async (store) => {
            assert.equal(await store.create(account("alice", "alice")), true);
            assert.equal(await store.create(account("ALICE", "x")), false);
            assert.equal(
              await store.create({ ...account("alice2", "alice") }),
              false,
            );
            assert.equal(await store.get("alice2"), null);
            assert.equal(await store.ownerOfLookAlike("x"), null);
          },
        "concurrent sign-ups of one name: exactly one wins": async (store) => {
          const results = await Promise.all(
            Array.from(
              { length: 8 },
              (_, i) => store.create(account(`n${i}`, "same")),
            ),
          );
          assert.equal(results.filter(Boolean).length, 1);
        },
        "an account may come with its first passkey": async (store) => {
          const credential = passkey("cred1", "carol");
          assert.equal(
            await store.create(
              { ...account("carol"), passwordHash: undefined },
              { credential },
            ),
            true,
          );
          assert.deepEqual(await store.credential("cred1"), credential);
          assert.deepEqual(await store.credentials("carol"), [credential]);
          const lost = passkey("cred2", "carol");
          assert.equal(
            await store.create(account("carol"), { credential: lost }),
            false,
          );
          assert.equal(await store.credential("cred2"), null);
        },
        "passkeys are added, listed and their counters kept": async (store) => {
          await store.create(account("dave"));
          await store.addCredential(passkey("a", "dave"));
          await store.addCredential(passkey("b", "dave"));
          await store.addCredential(passkey("c", "erin"));
          assert.deepEqual(
            (await store.credentials("dave")).map((c) => c.id).sort(),
            ["a", "b"],
          );
          await store.setCounter("a", 7);
          assert.equal((await store.credential("a"))?.counter, 7);
          await store.setCounter("missing", 1);
          assert.equal(await store.credential("missing"), null);
        },
        "sessions are stored, extended, revoked and expire": async (store) => {
          const record = {
            canonical: "alice",
            username: "Alice",
            expiresAt: Date.now() + 60_000,
          };
          await store.putSession("s1", record);
          assert.deepEqual(await store.session("s1"), record);
          const later = { ...record, expiresAt: Date.now() + 120_000 };
          await store.putSession("s1", later);
          assert.deepEqual(await store.session("s1"), later);
          await store.dropSession("s1");
          assert.equal(await store.session("s1"), null);
          assert.equal(await store.session("never"), null);
          await store.putSession("s2", {
            ...record,
            expiresAt: Date.now() + 50,
          });
          await pastExpiry(60);
          assert.equal(await store.session("s2"), null);
        },
        "failures count within a window, then start again": async (store) => {
          const first = await store.countFailure("k", 60_000);
          assert.equal(first.count, 1);
          assert.ok(first.resetAt > Date.now());
          const second = await store.countFailure("k", 60_000);
          assert.equal(second.count, 2);
          assert.ok(Math.abs(second.resetAt - first.resetAt) < 50);
          assert.equal((await store.failures("k"))?.count, 2);
          assert.equal(await store.failures("other"), null);
          await store.clearFailures("k");
          assert.equal(await store.failures("k"), null);
          await store.countFailure("short", 50);
          await pastExpiry(60);
          assert.equal(await store.failures("short"), null);
          assert.equal((await store.countFailure("short", 50)).count, 1);
        },
        "concurrent failures are all counted": async (store) => {
          await Promise.all(
            Array.from({ length: 10 }, () => store.countFailure("c", 60_000)),
          );
          assert.equal((await store.failures("c"))?.count, 10);
        },
        "a challenge is taken once, and not after it expires": async (
          store,
        ) => {
          await store.putChallenge("c1", "value", 60_000);
          assert.equal(await store.takeChallenge("c1"), "value");
          assert.equal(await store.takeChallenge("c1"), null);
          assert.equal(await store.takeChallenge("none"), null);
          await store.putChallenge("c2", "value", 50);
          await pastExpiry(60);
          assert.equal(await store.takeChallenge("c2"), null);
        },
      };
      try {
        for (const [label, body] of Object.entries(cases)) {
          await t.step(label, async () => body(await open()));
        }
      } finally {
        await options.close?.();
      }
    },
  });
}
