/** Part 2, "Moderation": kick, ban, unban, mute, unmute, notices, the audit log, slow mode. */
import assert from "node:assert/strict";
import { signUp } from "./support/auth.ts";
import { account, call, createRoom, socket } from "./support/rooms.ts";
import { withApp } from "./support/app_server.ts";
import { type Frame, freshRoom, type TestClient } from "./support/ws_client.ts";

/** A guest socket from `address` (the server trusts the loopback proxy). */
async function guest(
  base: string,
  options: { room: string; name: string; address: string; clientId?: string },
): Promise<{ client: TestClient; answer: Frame }> {
  const client = await socket(base, {
    room: options.room,
    headers: { "x-forwarded-for": options.address },
  });
  const answer = await client.join(options.name, {
    clientId: options.clientId ?? crypto.randomUUID(),
  });
  return { client, answer };
}

Deno.test({
  name: "moderation over real sockets",
  fn: (t) =>
    withApp({
      CHAT_TRUSTED_PROXIES: "127.0.0.1",
      CHAT_ADMINS: "root",
    }, async (server) => {
      const base = server.url;
      const olga = await account(base, "olga");
      const mo = await account(base, "mo");
      const root = await signUp(base, { username: "root" });
      const room = freshRoom("mod");
      await createRoom(base, { owner: olga, room, visibility: "public" });
      await call(base, {
        method: "POST",
        path: `/api/rooms/${room}/moderators`,
        as: olga,
        body: { username: mo.username },
      });
      const owner = await socket(base, { room, as: olga });
      assert.equal((await owner.join(olga.username)).type, "welcome");
      const moderator = await socket(base, { room, as: mo });
      assert.equal((await moderator.join(mo.username)).type, "welcome");

      await t.step(
        "anyone else gets forbidden for every moderation frame",
        async () => {
          const { client } = await guest(base, {
            room,
            name: "pleb",
            address: "10.0.0.1",
          });
          for (
            const frame of [
              { type: "kick", username: "mo" },
              { type: "ban", username: "x" },
              { type: "unban", username: "x" },
              { type: "mute", username: "x", durationS: 60 },
              { type: "unmute", username: "x" },
            ]
          ) {
            client.send(frame);
            const error = await client.next((f) => f.type === "error");
            assert.equal(error.code, "forbidden", JSON.stringify(frame));
          }
          client.send({ type: "mute", username: "x" });
          assert.equal(
            (await client.next((f) => f.type === "error")).code,
            "bad_frame",
          );
          client.send({ type: "ban", username: "x", durationS: -5 });
          assert.equal(
            (await client.next((f) => f.type === "error")).code,
            "bad_frame",
          );
          client.send({ type: "message", text: "still fine" });
          await client.next((f) =>
            f.type === "message" && f.text === "still fine"
          );
          await client.close();
        },
      );

      await t.step(
        "kick: kicked + 4003, a notice to the room, may join again",
        async () => {
          const { client } = await guest(base, {
            room,
            name: "noisy",
            address: "10.0.0.2",
          });
          const neighbour = await guest(base, {
            room,
            name: "neighbour",
            address: "10.0.0.2",
          });
          moderator.send({
            type: "kick",
            username: "Noisy",
            reason: "calm down",
          });
          assert.equal(
            (await client.next((f) => f.type === "error")).code,
            "kicked",
          );
          assert.equal((await client.closed).code, 4003);
          const notice = await owner.next((f) => f.type === "notice");
          assert.equal(notice.action, "kick");
          assert.equal(notice.username, "Noisy");
          assert.equal(notice.by, mo.username);
          assert.equal(typeof notice.ts, "number");
          neighbour.client.send({ type: "message", text: "still here" });
          await neighbour.client.next((f) =>
            f.type === "message" && f.text === "still here"
          );
          assert.ok(
            !neighbour.client.received.some((f) => f.type === "error"),
            "a kick is for the name, not the whole address",
          );
          await neighbour.client.close();
          const again = await guest(base, {
            room,
            name: "noisy",
            address: "10.0.0.2",
          });
          assert.equal(again.answer.type, "welcome");
          await again.client.close();
        },
      );

      await t.step(
        "ban: by clientId and address; a new clientId or name does not get round it; unban lifts it",
        async () => {
          const clientId = "troll-browser";
          const { client } = await guest(base, {
            room,
            name: "troll",
            address: "10.0.0.3",
            clientId,
          });
          moderator.send({ type: "ban", username: "troll", reason: "spam" });
          assert.equal(
            (await client.next((f) => f.type === "error")).code,
            "kicked",
          );
          assert.equal((await client.closed).code, 4003);
          assert.equal(
            (await owner.next((f) => f.type === "notice" && f.action === "ban"))
              .username,
            "troll",
          );
          for (
            const attempt of [
              { name: "troll", address: "10.0.0.3", clientId },
              { name: "troll", address: "10.0.0.3" },
              { name: "nice-person", address: "10.0.0.3" },
              { name: "nice-person", address: "10.0.0.99", clientId },
            ]
          ) {
            const back = await guest(base, { room, ...attempt });
            assert.equal(
              back.answer.code,
              "forbidden",
              JSON.stringify(attempt),
            );
            back.client.send({ type: "message", text: "let me in" });
            assert.equal(
              (await back.client.next((f) => f.type === "error")).code,
              "not_joined",
            );
            await back.client.close();
          }
          const elsewhere = await guest(base, {
            room: freshRoom("other"),
            name: "troll",
            address: "10.0.0.3",
            clientId,
          });
          assert.equal(
            elsewhere.answer.type,
            "welcome",
            "a ban holds in its room only",
          );
          await elsewhere.client.close();
          moderator.send({ type: "unban", username: "troll" });
          await owner.next((f) => f.type === "notice" && f.action === "unban");
          const back = await guest(base, {
            room,
            name: "troll",
            address: "10.0.0.3",
            clientId,
          });
          assert.equal(back.answer.type, "welcome");
          await back.client.close();
        },
      );

      await t.step("a ban with durationS ends by itself", async () => {
        const { client } = await guest(base, {
          room,
          name: "brief",
          address: "10.0.0.4",
        });
        moderator.send({ type: "ban", username: "brief", durationS: 1 });
        await client.closed;
        const refused = await guest(base, {
          room,
          name: "brief",
          address: "10.0.0.4",
        });
        assert.equal(refused.answer.code, "forbidden");
        const deadline = Date.now() + 10_000;
        let answer = refused.answer;
        while (answer.type !== "welcome" && Date.now() < deadline) {
          answer = await refused.client.join("brief");
        }
        assert.equal(answer.type, "welcome");
        await refused.client.close();
      });

      await t.step(
        "an account's ban holds on any socket of that account",
        async () => {
          const bob = await account(base, "bob");
          const first = await socket(base, { room, as: bob });
          assert.equal((await first.join(bob.username)).type, "welcome");
          owner.send({ type: "ban", username: bob.username });
          assert.equal(
            (await first.next((f) => f.type === "error")).code,
            "kicked",
          );
          const second = await socket(base, {
            room,
            as: bob,
            headers: { "x-forwarded-for": "10.9.9.9" },
          });
          assert.equal((await second.join(bob.username)).code, "forbidden");
          await second.close();
        },
      );

      await t.step(
        "mute lands on an open socket: message and react forbidden, typing dropped; unmute",
        async () => {
          const { client } = await guest(base, {
            room,
            name: "loud",
            address: "10.0.0.5",
          });
          moderator.send({ type: "mute", username: "loud", durationS: 600 });
          const notice = await client.next((f) =>
            f.type === "notice" && f.action === "mute"
          );
          assert.ok(notice.until > Date.now());
          client.send({ type: "message", text: "can you hear me" });
          assert.equal(
            (await client.next((f) => f.type === "error")).code,
            "forbidden",
          );
          client.send({ type: "typing" });
          owner.send({ type: "message", text: "barrier-1" });
          await moderator.next((f) =>
            f.type === "message" && f.text === "barrier-1"
          );
          assert.ok(
            !moderator.received.some((f) =>
              f.type === "typing" && f.username === "loud"
            ),
          );
          assert.ok(
            !owner.received.some((f) =>
              f.type === "message" && f.text === "can you hear me"
            ),
          );
          const rejoin = await guest(base, {
            room,
            name: "loud",
            address: "10.0.0.5",
          });
          assert.equal(rejoin.answer.code, "name_taken");
          await client.close();
          const fresh = await guest(base, {
            room,
            name: "loud",
            address: "10.0.0.5",
          });
          assert.equal(fresh.answer.type, "welcome", "muted people may read");
          fresh.client.send({ type: "message", text: "reconnected" });
          assert.equal(
            (await fresh.client.next((f) => f.type === "error")).code,
            "forbidden",
          );
          moderator.send({ type: "unmute", username: "loud" });
          await fresh.client.next((f) =>
            f.type === "notice" && f.action === "unmute"
          );
          fresh.client.send({ type: "message", text: "free again" });
          await fresh.client.next((f) =>
            f.type === "message" && f.text === "free again"
          );
          await Promise.all([fresh.client.close(), rejoin.client.close()]);
        },
      );

      await t.step(
        "the owner is protected; moderators only by the owner or an admin",
        async () => {
          moderator.send({ type: "kick", username: olga.username });
          assert.equal(
            (await moderator.next((f) => f.type === "error")).code,
            "forbidden",
          );
          moderator.send({ type: "ban", username: olga.username });
          assert.equal(
            (await moderator.next((f) => f.type === "error")).code,
            "forbidden",
          );
          moderator.send({
            type: "mute",
            username: olga.username,
            durationS: 5,
          });
          assert.equal(
            (await moderator.next((f) => f.type === "error")).code,
            "forbidden",
          );
          const admin = await socket(base, { room, as: root });
          assert.equal((await admin.join("root")).type, "welcome");
          admin.send({ type: "kick", username: olga.username });
          assert.equal(
            (await admin.next((f) => f.type === "error")).code,
            "forbidden",
          );
          const mo2 = await account(base, "mo2");
          await call(base, {
            method: "POST",
            path: `/api/rooms/${room}/moderators`,
            as: olga,
            body: { username: mo2.username },
          });
          const other = await socket(base, { room, as: mo2 });
          assert.equal((await other.join(mo2.username)).type, "welcome");
          moderator.send({ type: "kick", username: mo2.username });
          assert.equal(
            (await moderator.next((f) => f.type === "error")).code,
            "forbidden",
          );
          admin.send({ type: "mute", username: mo2.username, durationS: 60 });
          await other.next((f) => f.type === "notice" && f.action === "mute");
          other.send({ type: "message", text: "muted moderator" });
          assert.equal(
            (await other.next((f) => f.type === "error")).code,
            "forbidden",
          );
          owner.send({ type: "kick", username: mo2.username });
          assert.equal(
            (await other.next((f) => f.type === "error")).code,
            "kicked",
          );
          await admin.close();
        },
      );

      await t.step(
        "audit: every action, newest first, for owner, moderators and admins only",
        async () => {
          const audit = await call(base, {
            path: `/api/rooms/${room}/audit`,
            as: olga,
          });
          assert.equal(audit.status, 200);
          const actions = audit.body.entries.map((e: Frame) => e.action);
          for (const action of ["kick", "ban", "unban", "mute", "unmute"]) {
            assert.ok(actions.includes(action), action);
          }
          assert.equal(audit.body.entries[0].action, "kick");
          const ts = audit.body.entries.map((e: Frame) => e.ts);
          assert.deepEqual([...ts].sort((a, b) => b - a), ts);
          const ban = audit.body.entries.find((e: Frame) =>
            e.action === "ban" && e.target === "troll"
          );
          assert.equal(ban.reason, "spam");
          assert.equal(ban.by, mo.username);
          assert.equal(
            (await call(base, { path: `/api/rooms/${room}/audit`, as: root }))
              .status,
            200,
          );
          const nobody = await account(base, "nobody");
          assert.equal(
            (await call(base, { path: `/api/rooms/${room}/audit`, as: nobody }))
              .status,
            403,
          );
          assert.equal(
            (await call(base, { path: `/api/rooms/${room}/audit` })).status,
            403,
          );
        },
      );

      await t.step(
        "slow mode: one message per person per slowModeS; moderators not slowed",
        async () => {
          await call(base, {
            method: "PATCH",
            path: `/api/rooms/${room}`,
            as: olga,
            body: { slowModeS: 60 },
          });
          const { client } = await guest(base, {
            room,
            name: "chatty",
            address: "10.0.0.6",
          });
          client.send({ type: "message", text: "one" });
          await client.next((f) => f.type === "message" && f.text === "one");
          client.send({ type: "message", text: "two" });
          const error = await client.next((f) => f.type === "error");
          assert.equal(error.code, "rate_limited");
          const twin = await guest(base, {
            room,
            name: "chatty-again",
            address: "10.0.0.6",
          });
          twin.client.send({ type: "message", text: "three" });
          assert.equal(
            (await twin.client.next((f) => f.type === "error")).code,
            "rate_limited",
            "a new clientId from the same address is slowed too",
          );
          await twin.client.close();
          moderator.send({ type: "message", text: "m1" });
          moderator.send({ type: "message", text: "m2" });
          await moderator.next((f) => f.type === "message" && f.text === "m2");
          await call(base, {
            method: "PATCH",
            path: `/api/rooms/${room}`,
            as: olga,
            body: { slowModeS: 0 },
          });
          await client.close();
        },
      );
      await Promise.all([owner.close(), moderator.close()]);
    }),
});
