/** The message life cycle in a room with access rules: who owns a message, who may delete it, what a mute stops. */
import assert from "node:assert/strict";
import { account, call, createRoom, socket } from "./support/rooms.ts";
import { withApp } from "./support/app_server.ts";
import { type Frame, freshRoom, type TestClient } from "./support/ws_client.ts";

async function say(client: TestClient, text: string): Promise<Frame> {
  const nonce = crypto.randomUUID();
  client.send({ type: "message", text, nonce });
  return await client.next((f) => f.type === "message" && f.nonce === nonce);
}

function errorOf(client: TestClient): Promise<Frame> {
  return client.next((f) => f.type === "error");
}

Deno.test({
  name: "life cycle with accounts, moderators and mutes",
  fn: (t) =>
    withApp({}, async (server) => {
      const base = server.url;
      const olga = await account(base, "olga");
      const mo = await account(base, "mo");
      const ann = await account(base, "ann");
      const room = freshRoom("roles");
      await createRoom(base, { owner: olga, room, visibility: "public" });
      await call(base, {
        method: "POST",
        path: `/api/rooms/${room}/moderators`,
        as: olga,
        body: { username: mo.username },
      });
      const join = async (who: typeof olga) => {
        const client = await socket(base, { room, as: who });
        assert.equal((await client.join(who.username)).type, "welcome");
        return client;
      };
      const owner = await join(olga);
      const moderator = await join(mo);
      const member = await join(ann);

      await t.step(
        "an account owns its messages on any connection",
        async () => {
          const message = await say(member, "from one tab");
          const other = await socket(base, { room, as: ann });
          assert.equal(
            (await other.join(ann.username, { clientId: "tab-2" })).type,
            "welcome",
          );
          other.send({
            type: "edit",
            id: message.id,
            text: "fixed from another tab",
          });
          const edited = await other.next((f) => f.type === "edited");
          assert.equal(edited.text, "fixed from another tab");
          await other.close();
        },
      );

      await t.step(
        "moderators and the owner delete others' messages; nobody edits them",
        async () => {
          const first = await say(member, "moderate me");
          const second = await say(member, "me too");
          moderator.send({ type: "edit", id: first.id, text: "not yours" });
          assert.equal((await errorOf(moderator)).code, "forbidden");
          moderator.send({ type: "delete", id: first.id });
          const gone = await member.next((f) =>
            f.type === "deleted" && f.target === first.id
          );
          assert.equal(gone.by, mo.username);
          owner.send({ type: "delete", id: second.id });
          const alsoGone = await member.next((f) =>
            f.type === "deleted" && f.target === second.id
          );
          assert.equal(alsoGone.by, olga.username);
          const mine = await say(owner, "the owner's");
          member.send({ type: "delete", id: mine.id });
          assert.equal(
            (await errorOf(member)).code,
            "forbidden",
            "a member deletes only their own",
          );
        },
      );

      await t.step("a muted person may not edit or react", async () => {
        const message = await say(member, "before the mute");
        moderator.send({ type: "mute", username: ann.username, durationS: 60 });
        await member.next((f) => f.type === "notice" && f.action === "mute");
        member.send({ type: "edit", id: message.id, text: "during the mute" });
        assert.equal((await errorOf(member)).code, "forbidden");
        member.send({ type: "react", id: message.id, emoji: "👍", on: true });
        assert.equal((await errorOf(member)).code, "forbidden");
        member.send({ type: "delete", id: message.id });
        const deleted = await member.next((f) =>
          f.type === "deleted" || f.type === "error"
        );
        assert.equal(
          deleted.type,
          "deleted",
          "taking one's own message back stays allowed",
        );
        moderator.send({ type: "unmute", username: ann.username });
        await member.next((f) => f.type === "notice" && f.action === "unmute");
      });
      await Promise.all([owner.close(), moderator.close(), member.close()]);
    }),
});
