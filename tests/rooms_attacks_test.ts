/**
 * Ways to see or enter a private room from outside, and to get round a ban or
 * a mute, tried against the real server; each must fail and say nothing.
 */
import assert from "node:assert/strict";
import { SignJWT } from "jose";
import {
  account,
  call,
  createRoom,
  invite,
  socket,
  upgradeStatus,
} from "./support/rooms.ts";
import { withApp } from "./support/app_server.ts";
import { freshRoom } from "./support/ws_client.ts";

const SECRET = "the-embedding-site-secret-for-the-attempts";

/** A site token for `claims` (ten minutes, our secret) unless told otherwise. */
function siteToken(
  claims: Record<string, unknown>,
  options: { exp?: number; secret?: string } = {},
): Promise<string> {
  return new SignJWT({
    exp: options.exp ?? Math.floor(Date.now() / 1000) + 600,
    ...claims,
  })
    .setProtectedHeader({ alg: "HS256" })
    .sign(new TextEncoder().encode(options.secret ?? SECRET));
}

/** A page without its per-response nonces, to compare two 404 pages. */
function stripNonces(html: string): string {
  return html.replace(/nonce-[A-Za-z0-9+/=_-]+/g, "").replace(
    /nonce="[^"]*"/g,
    "",
  );
}

Deno.test({
  name: "attempts on private rooms, bans and mutes",
  fn: (t) =>
    withApp(
      { CHAT_TRUSTED_PROXIES: "127.0.0.1", CHAT_TOKEN_SECRET: SECRET },
      async (server) => {
        const base = server.url;
        const olga = await account(base, "olga");
        const eve = await account(base, "eve");
        const room = freshRoom("vault");
        await createRoom(base, { owner: olga, room });
        const owner = await socket(base, { room, as: olga });
        assert.equal((await owner.join(olga.username)).type, "welcome");
        owner.send({ type: "message", text: "the combination is 4-8-15" });
        await owner.next((f) => f.type === "message");

        await t.step(
          "spellings, methods and paths of a private room: 404, nothing said",
          async () => {
            const invalidPage = await call(base, { path: "/chat/a%20b" });
            const upper = room.toUpperCase();
            const redirect = await call(base, {
              path: `/chat/${upper}`,
              as: eve,
            });
            assert.equal(
              redirect.status,
              308,
              "every valid name redirects alike",
            );
            for (
              const path of [
                `/chat/${room}`,
                `/chat/${room}?x=1`,
              ]
            ) {
              for (const who of [null, eve]) {
                const page = await call(base, { path, as: who });
                assert.equal(page.status, 404, path);
                assert.equal(
                  stripNonces(String(page.body)),
                  stripNonces(String(invalidPage.body)),
                  "the same page as a name that cannot be a room",
                );
              }
            }
            const head = await fetch(`${base}/chat/${room}`, {
              method: "HEAD",
            });
            await head.body?.cancel();
            assert.notEqual(head.status, 200, "HEAD says nothing either");
            for (
              const path of [
                `/api/rooms/${upper}/messages`,
                `/api/rooms/${room}/messages?before=9999999999999999&limit=200`,
                `/api/rooms/${room}/search?q=combination`,
                `/api/rooms/${room}`,
                `/api/rooms/${room}/members`,
                `/api/rooms/${room}/audit`,
              ]
            ) {
              for (const who of [null, eve]) {
                const res = await call(base, { path, as: who });
                assert.equal(res.status, 404, path);
                assert.ok(!JSON.stringify(res.body).includes("combination"));
                assert.ok(!JSON.stringify(res.body).includes(olga.username));
              }
            }
            const forged = {
              username: "x",
              cookie:
                "chat_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            };
            assert.equal(
              (await call(base, { path: `/api/rooms/${room}`, as: forged }))
                .status,
              404,
            );
            assert.equal(await upgradeStatus(base, { room, as: forged }), 404);
            assert.equal(
              await upgradeStatus(base, { room, query: "?token=not.a.jwt" }),
              404,
            );
            assert.equal(await upgradeStatus(base, { room: upper }), 404);
            const elsewhere = await siteToken({
              sub: "s-1",
              name: "sneaky",
              rooms: ["another-room"],
            });
            const expired = await siteToken({
              sub: "s-2",
              name: "late",
              rooms: [room],
            }, { exp: Math.floor(Date.now() / 1000) - 10 });
            const forgedToken = await siteToken({
              sub: "s-3",
              name: "forger",
              rooms: [room],
            }, { secret: "not-the-site-secret-at-all-but-long-enough" });
            const noRooms = await siteToken({ sub: "s-4", name: "roomless" });
            for (const token of [elsewhere, expired, forgedToken, noRooms]) {
              assert.equal(
                await upgradeStatus(base, { room, query: `?token=${token}` }),
                404,
              );
              assert.equal(
                (await call(base, { path: `/chat/${room}?token=${token}` }))
                  .status,
                404,
              );
              assert.equal(
                (await call(base, {
                  path: `/api/rooms/${room}/messages?token=${token}`,
                })).status,
                404,
              );
            }
            for (
              const [method, path] of [
                ["POST", `/api/rooms/${room}/invites`],
                ["PATCH", `/api/rooms/${room}`],
                ["POST", `/api/rooms/${room}/moderators`],
                ["DELETE", `/api/rooms/${room}/members/${olga.username}`],
                ["DELETE", `/api/rooms/${room}/moderators/${olga.username}`],
              ]
            ) {
              const res = await call(base, {
                method,
                path,
                as: eve,
                body: { username: eve.username },
              });
              assert.equal(res.status, 404, `${method} ${path}`);
            }
            const guessed = await call(base, {
              path: `/invite/${"x".repeat(43)}`,
              as: eve,
            });
            assert.equal(guessed.status, 404);
            const junk = await call(base, {
              path: "/invite/..%2f..%2fetc",
              as: eve,
            });
            assert.equal(junk.status, 404);
            const listed = await call(base, { path: "/api/rooms", as: eve });
            assert.ok(!JSON.stringify(listed.body).includes(room));
            const home = await call(base, { path: "/", as: eve });
            assert.ok(!String(home.body).includes(room));
            const taken = await call(base, {
              method: "POST",
              path: "/api/rooms",
              as: eve,
              body: { room, visibility: "public" },
            });
            assert.equal(
              taken.status,
              409,
              "the name is taken (the one thing that shows)",
            );
            assert.deepEqual(taken.body, { error: "room_exists" });
          },
        );

        await t.step("signed out, an invite link is not used up", async () => {
          const made = await call(base, {
            method: "POST",
            path: `/api/rooms/${room}/invites`,
            as: olga,
            body: { maxUses: 1 },
          });
          for (let i = 0; i < 3; i++) {
            assert.equal(
              (await call(base, { path: made.body.url })).status,
              303,
            );
          }
          assert.equal(
            (await call(base, { path: made.body.url, as: eve })).status,
            303,
          );
          assert.equal(
            (await call(base, { path: `/api/rooms/${room}`, as: eve })).status,
            200,
          );
        });

        await t.step(
          "a banned member loses the private room's pages too",
          async () => {
            const bob = await account(base, "bob");
            await invite(base, { room, by: olga, who: bob });
            const open = await socket(base, { room, as: bob });
            assert.equal((await open.join(bob.username)).type, "welcome");
            owner.send({ type: "ban", username: bob.username });
            assert.equal(
              (await open.next((f) => f.type === "error")).code,
              "kicked",
            );
            for (
              const path of [
                `/chat/${room}`,
                `/api/rooms/${room}/messages`,
                `/api/rooms/${room}`,
              ]
            ) {
              assert.equal(
                (await call(base, { path, as: bob })).status,
                404,
                path,
              );
            }
            assert.equal(await upgradeStatus(base, { room, as: bob }), 404);
            const again = await call(base, {
              method: "POST",
              path: `/api/rooms/${room}/invites`,
              as: olga,
              body: {},
            });
            await call(base, { path: again.body.url, as: bob });
            assert.equal(
              await upgradeStatus(base, { room, as: bob }),
              404,
              "a new invite does not lift a ban",
            );
          },
        );

        await t.step(
          "a muted guest cannot speak by edit, react, reply, a new clientId or a new name",
          async () => {
            const open = freshRoom("open");
            await createRoom(base, {
              owner: olga,
              room: open,
              visibility: "public",
            });
            const host = await socket(base, { room: open, as: olga });
            await host.join(olga.username);
            const headers = { "x-forwarded-for": "10.2.0.1" };
            const loud = await socket(base, { room: open, headers });
            assert.equal(
              (await loud.join("loud", { clientId: "l-1" })).type,
              "welcome",
            );
            loud.send({ type: "message", text: "mine" });
            const mine = await loud.next((f) => f.type === "message");
            host.send({ type: "mute", username: "loud", durationS: 600 });
            await loud.next((f) => f.type === "notice");
            for (
              const frame of [
                { type: "message", text: "hi" },
                { type: "message", text: "hi", replyTo: mine.id },
                { type: "edit", id: mine.id, text: "changed" },
                { type: "react", id: mine.id, emoji: "👍", on: true },
              ]
            ) {
              loud.send(frame);
              assert.equal(
                (await loud.next((f) => f.type === "error")).code,
                "forbidden",
                frame.type,
              );
            }
            const other = await socket(base, { room: open, headers });
            assert.equal(
              (await other.join("quiet", { clientId: "l-2" })).type,
              "welcome",
            );
            other.send({ type: "message", text: "new me" });
            assert.equal(
              (await other.next((f) => f.type === "error")).code,
              "forbidden",
              "same address",
            );
            host.send({ type: "message", text: "barrier" });
            await loud.next((f) =>
              f.type === "message" && f.text === "barrier"
            );
            assert.ok(
              !host.received.some((f) =>
                f.type === "edited" || f.type === "reaction"
              ),
            );
            await Promise.all([loud.close(), other.close(), host.close()]);
          },
        );

        await t.step(
          "a guest who takes a moderator's name is no moderator, and banning it spares the account",
          async () => {
            const open = freshRoom("names");
            await createRoom(base, {
              owner: olga,
              room: open,
              visibility: "public",
            });
            const mo = await account(base, "mo");
            await call(base, {
              method: "POST",
              path: `/api/rooms/${open}/moderators`,
              as: olga,
              body: { username: mo.username },
            });
            const fake = await socket(base, {
              room: open,
              headers: { "x-forwarded-for": "10.3.0.1" },
            });
            const answer = await fake.join(mo.username, { clientId: "fake" });
            if (answer.type === "welcome") {
              fake.send({ type: "kick", username: olga.username });
              assert.equal(
                (await fake.next((f) => f.type === "error")).code,
                "forbidden",
              );
              const host = await socket(base, { room: open, as: olga });
              await host.join(olga.username);
              const mod = await socket(base, { room: open, as: mo });
              host.send({ type: "ban", username: mo.username });
              assert.equal(
                (await fake.next((f) => f.type === "error")).code,
                "kicked",
              );
              assert.equal(
                (await mod.join(mo.username)).type,
                "welcome",
                "the real moderator is not banned",
              );
              await Promise.all([host.close(), mod.close()]);
            } else {
              assert.equal(
                answer.code,
                "name_taken",
                "accounts keep their names from guests",
              );
            }
            await fake.close();
          },
        );
        await owner.close();
      },
    ),
});
