/** Part 2, "Rooms with access", row by row over real HTTP and sockets. */
import assert from "node:assert/strict";
import { withApp } from "./support/app_server.ts";
import {
  account,
  call,
  createRoom,
  socket,
  upgradeStatus,
} from "./support/rooms.ts";
import { freshRoom, joined } from "./support/ws_client.ts";

Deno.test({
  name: "rooms with access over HTTP: create, settings, private rooms",
  fn: (t) =>
    withApp({}, async (server) => {
      const base = server.url;
      const olga = await account(base, "olga");
      const eve = await account(base, "eve");

      await t.step(
        "POST /api/rooms: signed in only; 201; 409 when it exists",
        async () => {
          const room = freshRoom("made");
          const anon = await call(base, {
            method: "POST",
            path: "/api/rooms",
            body: { room, visibility: "public" },
          });
          assert.equal(anon.status, 401);
          const made = await call(base, {
            method: "POST",
            path: "/api/rooms",
            as: olga,
            body: { room, visibility: "public", topic: "tea" },
          });
          assert.equal(made.status, 201);
          const again = await call(base, {
            method: "POST",
            path: "/api/rooms",
            as: eve,
            body: { room, visibility: "private" },
          });
          assert.equal(again.status, 409);
          const talked = freshRoom("talked");
          const guest = await joined(server, { room: talked, username: "g" });
          guest.send({ type: "message", text: "hi" });
          await guest.next((f) => f.type === "message");
          await guest.close();
          const taken = await call(base, {
            method: "POST",
            path: "/api/rooms",
            as: eve,
            body: { room: talked, visibility: "private" },
          });
          assert.equal(taken.status, 409, "a room with a message exists");
          for (
            const body of [
              { room: "a b", visibility: "public" },
              { room: freshRoom(), visibility: "secret" },
              { room: freshRoom(), topic: 5 },
            ]
          ) {
            const bad = await call(base, {
              method: "POST",
              path: "/api/rooms",
              as: olga,
              body,
            });
            assert.equal(bad.status, 400, JSON.stringify(body));
          }
          const foreign = await call(base, {
            method: "POST",
            path: "/api/rooms",
            as: olga,
            body: { room: freshRoom(), visibility: "public" },
            headers: { origin: "https://evil.example" },
          });
          assert.equal(foreign.status, 403);
        },
      );

      await t.step("GET and PATCH /api/rooms/{room}", async () => {
        const room = freshRoom("set");
        await createRoom(base, { owner: olga, room, visibility: "public" });
        const meta = await call(base, { path: `/api/rooms/${room}` });
        assert.equal(meta.status, 200);
        assert.deepEqual(meta.body, {
          room,
          visibility: "public",
          owner: olga.username,
          topic: "",
          moderators: [],
          guests: true,
          slowModeS: 0,
        });
        const nobody = freshRoom("nobody");
        assert.deepEqual(
          (await call(base, { path: `/api/rooms/${nobody}` })).body,
          {
            room: nobody,
            visibility: "public",
            owner: null,
            topic: "",
            moderators: [],
            guests: true,
            slowModeS: 0,
          },
        );
        const patch = { topic: "Teatime", guests: false, slowModeS: 30 };
        assert.equal(
          (await call(base, {
            method: "PATCH",
            path: `/api/rooms/${room}`,
            as: eve,
            body: patch,
          })).status,
          403,
        );
        assert.equal(
          (await call(base, {
            method: "PATCH",
            path: `/api/rooms/${room}`,
            body: patch,
          })).status,
          403,
        );
        const changed = await call(base, {
          method: "PATCH",
          path: `/api/rooms/${room}`,
          as: olga,
          body: patch,
        });
        assert.equal(changed.status, 200);
        assert.equal(changed.body.topic, "Teatime");
        assert.equal(changed.body.guests, false);
        assert.equal(changed.body.slowModeS, 30);
        for (
          const body of [
            { slowModeS: 3601 },
            { slowModeS: -1 },
            { slowModeS: 1.5 },
            {
              guests: "no",
            },
            { visibility: "hidden" },
            { topic: "x".repeat(301) },
          ]
        ) {
          const bad = await call(base, {
            method: "PATCH",
            path: `/api/rooms/${room}`,
            as: olga,
            body,
          });
          assert.equal(bad.status, 400, JSON.stringify(body));
        }
        const after = await call(base, { path: `/api/rooms/${room}` });
        assert.equal(
          after.body.slowModeS,
          30,
          "a refused patch changes nothing",
        );
        const guest = await socket(base, { room });
        assert.equal(
          (await guest.join("visitor")).code,
          "forbidden",
          "guests off",
        );
        await guest.close();
      });

      await t.step(
        "a private room is a 404 at every door for outsiders",
        async () => {
          const room = freshRoom("hush");
          await createRoom(base, { owner: olga, room });
          const owner = await socket(base, { room, as: olga });
          assert.equal((await owner.join(olga.username)).type, "welcome");
          owner.send({ type: "message", text: "secret plans" });
          await owner.next((f) => f.type === "message");
          const invalid = await call(base, {
            path: "/api/rooms/a%20b/messages",
          });
          const found = await call(base, {
            path: `/api/rooms/${room}/search?q=SECRET`,
            as: olga,
          });
          assert.equal(found.status, 200);
          assert.equal(found.body.messages[0].text, "secret plans");
          for (const who of [null, eve]) {
            const page = await call(base, { path: `/chat/${room}`, as: who });
            assert.equal(page.status, 404);
            assert.ok(!String(page.body).includes("secret"));
            assert.ok(!String(page.body).includes(olga.username));
            const history = await call(base, {
              path: `/api/rooms/${room}/messages`,
              as: who,
            });
            assert.equal(history.status, 404);
            assert.equal(history.body.error, invalid.body.error);
            const search = await call(base, {
              path: `/api/rooms/${room}/search?q=secret`,
              as: who,
            });
            assert.equal(search.status, 404);
            assert.equal(search.body.error, invalid.body.error);
            assert.equal(
              (await call(base, { path: `/api/rooms/${room}`, as: who }))
                .status,
              404,
            );
            for (const part of ["members", "audit"]) {
              assert.equal(
                (await call(base, {
                  path: `/api/rooms/${room}/${part}`,
                  as: who,
                })).status,
                404,
              );
            }
            assert.equal(
              (await call(base, {
                method: "POST",
                path: `/api/rooms/${room}/invites`,
                as: who,
                body: {},
              }))
                .status,
              404,
            );
            assert.equal(
              (await call(base, {
                method: "PATCH",
                path: `/api/rooms/${room}`,
                as: who,
                body: { topic: "x" },
              }))
                .status,
              404,
            );
            assert.equal(await upgradeStatus(base, { room, as: who }), 404);
            const listed = await call(base, { path: "/api/rooms", as: who });
            assert.ok(
              !listed.body.rooms.some((r: { room: string }) => r.room === room),
            );
            const home = await call(base, { path: "/", as: who });
            assert.ok(!String(home.body).includes(room));
          }
          const mine = await call(base, { path: "/api/rooms", as: olga });
          assert.ok(
            mine.body.rooms.some((r: { room: string }) => r.room === room),
          );
          assert.equal(
            (await call(base, { path: `/chat/${room}`, as: olga })).status,
            200,
          );
          assert.equal(
            (await call(base, {
              path: `/api/rooms/${room}/messages`,
              as: olga,
            })).body.messages[0].text,
            "secret plans",
          );
          await owner.close();
        },
      );
    }),
});
