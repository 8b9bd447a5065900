import assert from "node:assert/strict";
import type { Presence } from "./presence.ts";

/** Opens presence views for one case; `count` views share one backend (one per server). */
export type PresenceFactory = (count: number) => Promise<Presence[]>;

const ann = { username: "Ann", canonical: "ann", clientId: "c1" };

/** Registers the behaviour every presence backend must have. */
export function testPresenceConformance(
  name: string,
  open: PresenceFactory,
): void {
  Deno.test({
    name: `presence conformance: ${name}`,
    async fn(t) {
      const cases: Record<string, (p: Presence) => Promise<void>> = {
        "a name is first, again for the same client, taken for others": async (
          p,
        ) => {
          assert.equal(await p.claim("r", ann), "first");
          assert.equal(await p.claim("r", ann), "again");
          assert.equal(
            await p.claim("r", { ...ann, username: "ANN", clientId: "c2" }),
            "taken",
          );
          assert.equal(
            await p.claim("r", { ...ann, clientId: undefined }),
            "taken",
          );
          assert.equal(
            await p.claim("other", { ...ann, clientId: "c2" }),
            "first",
          );
          assert.deepEqual(await p.members("r"), ["Ann"]);
        },
        "the last release of a name says so": async (p) => {
          await p.claim("r", ann);
          await p.claim("r", ann);
          await p.claim("r", { username: "bob", canonical: "bob" });
          assert.equal(await p.release("r", "ann"), false);
          assert.equal(await p.release("r", "ann"), true);
          assert.equal(await p.release("r", "ann"), false);
          assert.deepEqual(await p.members("r"), ["bob"]);
          assert.equal(await p.claim("r", { ...ann, clientId: "c9" }), "first");
        },
        "members sort by canonical form then code point; rooms count names":
          async (p) => {
            for (const username of ["bob", "alice", "Émile", "Carl"]) {
              await p.claim("r", {
                username,
                canonical: username.toLowerCase(),
              });
            }
            await p.claim("r", ann);
            await p.claim("r", ann);
            assert.deepEqual(await p.members("r"), [
              "alice",
              "Ann",
              "bob",
              "Carl",
              "Émile",
            ]);
            await p.claim("s", { username: "x", canonical: "x" });
            const rooms = (await p.rooms()).sort((a, b) =>
              a.room < b.room ? -1 : 1
            );
            assert.deepEqual(rooms, [{ room: "r", online: 5 }, {
              room: "s",
              online: 1,
            }]);
            await p.release("s", "x");
            assert.deepEqual((await p.rooms()).map((r) => r.room), ["r"]);
          },
        "the roster lists members in their order with their claim keys, under any claim key":
          async (p) => {
            await p.claim("r", {
              username: "mallory",
              canonical: "rnallory",
              clientId: "a:mallory",
            });
            await p.claim("r", { username: "Zoë", canonical: "zoe" });
            await p.claim("r", {
              username: "bob",
              canonical: "bob",
              clientId: "t:42",
            });
            assert.deepEqual(await p.members("r"), ["bob", "mallory", "Zoë"]);
            assert.deepEqual(await p.roster("r"), [
              { username: "bob", key: "t:42" },
              { username: "mallory", key: "a:mallory" },
              { username: "Zoë", key: undefined },
            ]);
            assert.deepEqual(await p.roster("empty"), []);
          },
      };
      for (const [title, body] of Object.entries(cases)) {
        await t.step(title, async () => {
          const [presence] = await open(1);
          try {
            await body(presence);
          } finally {
            await presence.close();
          }
        });
      }
    },
  });
}
