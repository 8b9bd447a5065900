/** Part 2, "Rooms with access": invites, moderators, members, and a room turning private. */
import assert from "node:assert/strict";
import { withApp } from "./support/app_server.ts";
import {
  account,
  call,
  createRoom,
  invite,
  socket,
  upgradeStatus,
} from "./support/rooms.ts";
import { freshRoom, joined } from "./support/ws_client.ts";

Deno.test({
  name: "rooms with access over HTTP: invites, moderators, members",
  fn: (t) =>
    withApp({}, async (server) => {
      const base = server.url;
      const olga = await account(base, "olga");
      const eve = await account(base, "eve");

      await t.step(
        "invites: 303 into the room, sign-in first, 410 once used up or expired",
        async () => {
          const room = freshRoom("club");
          await createRoom(base, { owner: olga, room });
          const made = await call(base, {
            method: "POST",
            path: `/api/rooms/${room}/invites`,
            as: olga,
            body: { maxUses: 1 },
          });
          assert.equal(made.status, 201);
          const code = made.body.url.match(/^\/invite\/([A-Za-z0-9_-]+)$/)?.[1];
          assert.ok(code && code.length >= 22, "128 bits or more");
          const out = await call(base, { path: made.body.url });
          assert.equal(out.status, 303);
          assert.equal(
            out.res.headers.get("location"),
            `/signin?next=${encodeURIComponent(made.body.url)}`,
          );
          const used = await call(base, { path: made.body.url, as: eve });
          assert.equal(used.status, 303);
          assert.equal(used.res.headers.get("location"), `/chat/${room}`);
          assert.equal(
            (await call(base, { path: `/api/rooms/${room}`, as: eve })).status,
            200,
          );
          const member = await socket(base, { room, as: eve });
          assert.equal((await member.join(eve.username)).type, "welcome");
          await member.close();
          const late = await account(base, "late");
          const gone = await call(base, { path: made.body.url, as: late });
          assert.equal(gone.status, 410);
          assert.ok(
            !String(gone.body).includes(room),
            "the 410 page names no room",
          );
          const brief = await call(base, {
            method: "POST",
            path: `/api/rooms/${room}/invites`,
            as: olga,
            body: { expiresInS: 1 },
          });
          const deadline = Date.now() + 10_000;
          let status = 303;
          while (status !== 410 && Date.now() < deadline) {
            const attempt = await account(base, "slow");
            status =
              (await call(base, { path: brief.body.url, as: attempt })).status;
          }
          assert.equal(status, 410, "expired");
          const unknown = await call(base, {
            path: `/invite/${"A".repeat(43)}`,
            as: eve,
          });
          assert.equal(unknown.status, 404);
          for (
            const body of [
              { maxUses: 0 },
              { maxUses: 1001 },
              { expiresInS: 0 },
              { expiresInS: "1" },
            ]
          ) {
            const bad = await call(base, {
              method: "POST",
              path: `/api/rooms/${room}/invites`,
              as: olga,
              body,
            });
            assert.equal(bad.status, 400, JSON.stringify(body));
          }
          assert.equal(
            (await call(base, {
              method: "POST",
              path: `/api/rooms/${room}/invites`,
              as: eve,
              body: {},
            })).status,
            403,
            "a member may not invite",
          );
        },
      );

      await t.step(
        "moderators: the owner adds and removes them; they invite, read the audit, moderate",
        async () => {
          const room = freshRoom("mods");
          await createRoom(base, { owner: olga, room });
          const mo = await account(base, "mo");
          assert.equal(
            (await call(base, {
              method: "POST",
              path: `/api/rooms/${room}/moderators`,
              as: mo,
              body: { username: mo.username },
            }))
              .status,
            404,
          );
          const added = await call(base, {
            method: "POST",
            path: `/api/rooms/${room}/moderators`,
            as: olga,
            body: { username: mo.username },
          });
          assert.equal(added.status, 201);
          assert.deepEqual(
            (await call(base, { path: `/api/rooms/${room}`, as: mo })).body
              .moderators,
            [
              mo.username,
            ],
          );
          assert.equal(
            (await call(base, {
              method: "POST",
              path: `/api/rooms/${room}/invites`,
              as: mo,
              body: {},
            })).status,
            201,
          );
          assert.equal(
            (await call(base, { path: `/api/rooms/${room}/audit`, as: mo }))
              .status,
            200,
          );
          assert.equal(
            (await call(base, {
              method: "PATCH",
              path: `/api/rooms/${room}`,
              as: mo,
              body: { topic: "x" },
            })).status,
            403,
          );
          assert.equal(
            (await call(base, {
              method: "POST",
              path: `/api/rooms/${room}/moderators`,
              as: mo,
              body: { username: "x" },
            }))
              .status,
            403,
          );
          const nobody = await call(base, {
            method: "POST",
            path: `/api/rooms/${room}/moderators`,
            as: olga,
            body: { username: "no-such-account-here" },
          });
          assert.equal(nobody.status, 404, "moderators are accounts");
          const removed = await call(base, {
            method: "DELETE",
            path: `/api/rooms/${room}/moderators/${mo.username}`,
            as: olga,
          });
          assert.equal(removed.status, 204);
          assert.equal(
            (await call(base, { path: `/api/rooms/${room}`, as: mo })).status,
            404,
          );
        },
      );

      await t.step(
        "members: listed for members; removal disconnects at once",
        async () => {
          const room = freshRoom("crew");
          await createRoom(base, { owner: olga, room });
          const bob = await account(base, "bob");
          await invite(base, { room, by: olga, who: bob });
          const list = await call(base, {
            path: `/api/rooms/${room}/members`,
            as: bob,
          });
          assert.equal(list.status, 200);
          assert.deepEqual(
            list.body.members.map((m: { username: string }) => m.username),
            [bob.username],
          );
          const open = await socket(base, { room, as: bob });
          assert.equal((await open.join(bob.username)).type, "welcome");
          assert.equal(
            (await call(base, {
              method: "DELETE",
              path: `/api/rooms/${room}/members/${bob.username}`,
              as: bob,
            }))
              .status,
            403,
          );
          const gone = await call(base, {
            method: "DELETE",
            path: `/api/rooms/${room}/members/${bob.username}`,
            as: olga,
          });
          assert.equal(gone.status, 204);
          assert.equal(
            (await open.next((f) => f.type === "error")).code,
            "kicked",
          );
          assert.equal((await open.closed).code, 4003);
          assert.equal(await upgradeStatus(base, { room, as: bob }), 404);
          const audit = await call(base, {
            path: `/api/rooms/${room}/audit`,
            as: olga,
          });
          assert.equal(audit.body.entries[0].action, "remove");
          assert.equal(audit.body.entries[0].target, bob.username);
        },
      );

      await t.step(
        "turning a room private shuts outsiders' open sockets",
        async () => {
          const room = freshRoom("closing");
          await createRoom(base, { owner: olga, room, visibility: "public" });
          const guest = await joined(server, { room, username: "passerby" });
          const owner = await socket(base, { room, as: olga });
          assert.equal((await owner.join(olga.username)).type, "welcome");
          const patched = await call(base, {
            method: "PATCH",
            path: `/api/rooms/${room}`,
            as: olga,
            body: { visibility: "private" },
          });
          assert.equal(patched.status, 200);
          assert.equal(
            (await guest.next((f) => f.type === "error")).code,
            "kicked",
          );
          assert.equal((await guest.closed).code, 4003);
          owner.send({ type: "message", text: "still here" });
          await owner.next((f) => f.type === "message");
          assert.equal(owner.socket.readyState, WebSocket.OPEN);
          await owner.close();
        },
      );
    }),
});
