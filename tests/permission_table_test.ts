/**
 * The whole permission table (lib/rooms/permissions.ts), cell by cell, over
 * real HTTP and sockets: every standing in a public and a private room tries
 * every action, and what the server does must be what the table says.
 */
import assert from "node:assert/strict";
import { SignJWT } from "jose";
import type { Account } from "./support/auth.ts";
import { signUp } from "./support/auth.ts";
import {
  account,
  call,
  createRoom,
  invite,
  socket,
  upgradeStatus,
} from "./support/rooms.ts";
import { withApp } from "./support/app_server.ts";
import { freshRoom, type TestClient } from "./support/ws_client.ts";
import {
  type Action,
  decide,
  type Decision,
  type Standing,
} from "../lib/rooms/permissions.ts";

const WALKED: readonly Action[] = [
  "page",
  "history",
  "metadata",
  "members",
  "search",
  "join",
  "message",
  "typing",
  "edit",
  "delete",
  "react",
  "kick",
  "ban",
  "mute",
  "settings",
  "invites",
  "audit",
  "remove",
];

interface Person {
  standing: Standing;
  /** An embedding site's token, sent as `?token=` and in `join`. */
  token?: string;
  /** Null for a guest. */
  as: Account | null;
  name: string;
}

const SECRET = "the-embedding-site-secret-for-the-table-walk";

/** An embedding site's token for `claims`, valid for ten minutes. */
function siteToken(claims: Record<string, unknown>): Promise<string> {
  return new SignJWT({ exp: Math.floor(Date.now() / 1000) + 600, ...claims })
    .setProtectedHeader({ alg: "HS256" })
    .sign(new TextEncoder().encode(SECRET));
}

/** What the server did, in the table's words. */
type Seen = Decision;

function fromStatus(status: number, ok: number): Seen {
  if (status === ok) return "allow";
  if (status === 404) return "hidden";
  if (status === 403 || status === 401) return "forbidden";
  throw new Error(`unexpected status ${status}`);
}

Deno.test({
  name: "the permission table, every cell, over HTTP and sockets",
  fn: (t) =>
    withApp(
      {
        CHAT_ADMINS: "tableroot",
        CHAT_RATE_LIMIT: "off",
        CHAT_TOKEN_SECRET: SECRET,
      },
      async (server) => {
        const base = server.url;
        const owner = await account(base, "owner");
        const moderator = await account(base, "mod");
        const member = await account(base, "member");
        const outsider = await account(base, "out");
        const spare = await account(base, "spare");
        const poster = await account(base, "poster");
        const admin = await signUp(base, { username: "tableroot" });
        let cells = 0;

        for (const visibility of ["public", "private"] as const) {
          const room = freshRoom(`table-${visibility}`);
          await createRoom(base, { owner, room, visibility });
          await call(base, {
            method: "POST",
            path: `/api/rooms/${room}/moderators`,
            as: owner,
            body: { username: moderator.username },
          });
          await invite(base, { room, by: owner, who: member });
          await invite(base, { room, by: owner, who: poster });
          const author = await socket(base, { room, as: poster });
          assert.equal((await author.join(poster.username)).type, "welcome");
          const watcher = await socket(base, { room, as: owner });
          assert.equal(
            (await watcher.join(owner.username, { clientId: "owner-browser" }))
              .type,
            "welcome",
          );
          const people: Person[] = [
            { standing: "admin", as: admin, name: admin.username },
            { standing: "owner", as: owner, name: owner.username },
            { standing: "moderator", as: moderator, name: moderator.username },
            { standing: "member", as: member, name: member.username },
            { standing: "account", as: outsider, name: outsider.username },
            { standing: "guest", as: null, name: `guest-${visibility}` },
            {
              standing: "token",
              as: null,
              name: `site-user-${visibility}`,
              token: await siteToken({
                sub: `u-${visibility}`,
                name: `site-user-${visibility}`,
                rooms: [room],
              }),
            },
          ];

          for (const person of people) {
            await t.step(`${visibility} room, ${person.standing}`, async () => {
              const expect = (action: Action, own?: boolean) =>
                decide(action, {
                  standing: person.standing,
                  visibility,
                  guests: true,
                  own,
                });
              const check = (action: Action, seen: Seen, own?: boolean) => {
                cells++;
                assert.equal(
                  seen,
                  expect(action, own),
                  `${visibility} ${person.standing} ${action}${
                    own ? " (own)" : ""
                  }`,
                );
              };
              const as = person.as;
              const q = (path: string) =>
                person.token === undefined
                  ? path
                  : `${path}${
                    path.includes("?") ? "&" : "?"
                  }token=${person.token}`;
              check(
                "page",
                fromStatus(
                  (await call(base, { path: q(`/chat/${room}`), as })).status,
                  200,
                ),
              );
              check(
                "history",
                fromStatus(
                  (await call(base, {
                    path: q(`/api/rooms/${room}/messages`),
                    as,
                  }))
                    .status,
                  200,
                ),
              );
              check(
                "metadata",
                fromStatus(
                  (await call(base, { path: q(`/api/rooms/${room}`), as }))
                    .status,
                  200,
                ),
              );
              check(
                "members",
                fromStatus(
                  (await call(base, {
                    path: q(`/api/rooms/${room}/members`),
                    as,
                  }))
                    .status,
                  200,
                ),
              );
              check(
                "search",
                fromStatus(
                  (await call(base, {
                    path: q(`/api/rooms/${room}/search?q=said`),
                    as,
                  })).status,
                  200,
                ),
              );
              check(
                "audit",
                fromStatus(
                  (await call(base, {
                    path: q(`/api/rooms/${room}/audit`),
                    as,
                  }))
                    .status,
                  200,
                ),
              );
              check(
                "invites",
                fromStatus(
                  (await call(base, {
                    method: "POST",
                    path: q(`/api/rooms/${room}/invites`),
                    as,
                    body: {},
                  })).status,
                  201,
                ),
              );
              check(
                "settings",
                fromStatus(
                  (await call(base, {
                    method: "PATCH",
                    path: q(`/api/rooms/${room}`),
                    as,
                    body: { topic: `set by ${person.name}` },
                  })).status,
                  200,
                ),
              );
              await invite(base, { room, by: owner, who: spare });
              check(
                "remove",
                fromStatus(
                  (await call(base, {
                    method: "DELETE",
                    path: q(`/api/rooms/${room}/members/${spare.username}`),
                    as,
                  })).status,
                  204,
                ),
              );
              if (expect("join") === "hidden") {
                const status = await upgradeStatus(base, {
                  room,
                  as,
                  query: q(""),
                });
                for (
                  const action of [
                    "join",
                    "message",
                    "typing",
                    "edit",
                    "delete",
                    "react",
                    "kick",
                    "ban",
                    "mute",
                  ] as const
                ) {
                  check(action, fromStatus(status, 101));
                }
                check("edit", fromStatus(status, 101), true);
                check("delete", fromStatus(status, 101), true);
                return;
              }
              const client: TestClient = await socket(base, {
                room,
                as,
                query: q(""),
              });
              const welcome = await client.join(person.name, {
                token: person.token,
                clientId: person.standing === "owner"
                  ? "owner-browser"
                  : undefined,
              });
              check("join", welcome.type === "welcome" ? "allow" : "forbidden");
              const text = `said by ${person.name}`;
              client.send({ type: "message", text });
              const said = await client.next((f) =>
                f.type === "message" || f.type === "error"
              );
              check("message", said.type === "message" ? "allow" : "forbidden");
              client.send({ type: "typing" });
              watcher.send({ type: "typing" });
              const barrier = `barrier ${person.name}`;
              watcher.send({ type: "message", text: barrier });
              await watcher.next((f) =>
                f.type === "message" && f.text === barrier
              );
              const typed = person.standing === "owner" ||
                watcher.received.some((f) =>
                  f.type === "typing" && f.username === person.name
                );
              check("typing", typed ? "allow" : "ignored");
              const answer = (id: string) =>
                client.next((f) =>
                  (f.type !== "message" && f.target === id) ||
                  f.type === "error"
                );
              client.send({ type: "edit", id: said.id, text: "edited" });
              check(
                "edit",
                (await answer(said.id)).type === "edited"
                  ? "allow"
                  : "forbidden",
                true,
              );
              const target = `target for ${person.name}`;
              author.send({ type: "message", text: target });
              const theirs = await client.next((f) =>
                f.type === "message" && f.text === target
              );
              client.send({
                type: "react",
                id: theirs.id,
                emoji: "👍",
                on: true,
              });
              check(
                "react",
                (await answer(theirs.id)).type === "reaction"
                  ? "allow"
                  : "forbidden",
              );
              client.send({ type: "edit", id: theirs.id, text: "not mine" });
              check(
                "edit",
                (await answer(theirs.id)).type === "edited"
                  ? "allow"
                  : "forbidden",
              );
              client.send({ type: "delete", id: theirs.id });
              check(
                "delete",
                (await answer(theirs.id)).type === "deleted"
                  ? "allow"
                  : "forbidden",
              );
              client.send({ type: "delete", id: said.id });
              check(
                "delete",
                (await answer(said.id)).type === "deleted"
                  ? "allow"
                  : "forbidden",
                true,
              );
              for (const action of ["kick", "ban", "mute"] as const) {
                client.send({
                  type: action,
                  username: "nobody-here",
                  durationS: 60,
                });
                const answer = await client.next((f) =>
                  (f.type === "notice" && f.action === action &&
                    f.by === person.name) ||
                  f.type === "error"
                );
                check(action, answer.type === "notice" ? "allow" : "forbidden");
              }
              await client.close();
            });
          }

          await t.step(`${visibility} room, guests switched off`, async () => {
            await call(base, {
              method: "PATCH",
              path: `/api/rooms/${room}`,
              as: owner,
              body: { guests: false },
            });
            const situation = {
              standing: "guest" as const,
              visibility,
              guests: false,
            };
            if (decide("join", situation) === "hidden") {
              assert.equal(await upgradeStatus(base, { room }), 404);
            } else {
              const client = await socket(base, { room });
              assert.equal((await client.join("late-guest")).code, "forbidden");
              assert.equal(decide("join", situation), "forbidden");
              assert.equal(
                (await call(base, { path: `/chat/${room}` })).status,
                200,
              );
              assert.equal(decide("page", situation), "allow");
              await client.close();
            }
            await call(base, {
              method: "PATCH",
              path: `/api/rooms/${room}`,
              as: owner,
              body: { guests: true },
            });
            cells++;
          });
          await Promise.all([watcher.close(), author.close()]);
        }
        console.log(
          `${cells} cells walked`,
        );
        assert.equal(cells, 2 * 7 * (WALKED.length + 2) + 2);
      },
    ),
});
