import assert from "node:assert/strict";
import {
  ACTIONS,
  decide,
  mayModerate,
  roleOf,
  type Situation,
  type Standing,
  standingOf,
  STANDINGS,
} from "./permissions.ts";

const READ = ["page", "history", "search", "metadata", "members"] as const;
const SPEAK = ["join", "message", "typing", "react"] as const;
const MODERATE = ["kick", "ban", "mute", "invites", "audit", "remove"] as const;

function at(standing: Standing, more: Partial<Situation> = {}): Situation {
  return { standing, visibility: "public", guests: true, ...more };
}

Deno.test("a private room is hidden from everyone outside it, for every action", () => {
  for (const standing of ["account", "guest"] as const) {
    for (const action of ACTIONS) {
      assert.equal(
        decide(action, at(standing, { visibility: "private" })),
        "hidden",
        `${standing} ${action}`,
      );
    }
  }
  for (
    const standing of [
      "admin",
      "owner",
      "moderator",
      "member",
      "token",
    ] as const
  ) {
    for (const action of READ) {
      assert.equal(
        decide(action, at(standing, { visibility: "private" })),
        "allow",
      );
    }
  }
});

Deno.test("everyone reads and speaks in a public room; guests only when allowed", () => {
  for (const standing of STANDINGS) {
    for (const action of [...READ, ...SPEAK]) {
      assert.equal(
        decide(action, at(standing)),
        "allow",
        `${standing} ${action}`,
      );
    }
  }
  for (const action of SPEAK) {
    assert.equal(decide(action, at("guest", { guests: false })), "forbidden");
    assert.equal(decide(action, at("account", { guests: false })), "allow");
  }
  for (const action of READ) {
    assert.equal(decide(action, at("guest", { guests: false })), "allow");
  }
});

Deno.test("moderation, invites, audit and removal: owner, moderators and admins only", () => {
  for (const standing of STANDINGS) {
    const moderating = ["admin", "owner", "moderator"].includes(standing);
    for (const action of MODERATE) {
      for (const visibility of ["public", "private"] as const) {
        const expected = moderating
          ? "allow"
          : visibility === "private" && !["member", "token"].includes(standing)
          ? "hidden"
          : "forbidden";
        assert.equal(
          decide(action, at(standing, { visibility })),
          expected,
          `${standing} ${action} ${visibility}`,
        );
      }
    }
    assert.equal(
      decide("settings", at(standing)),
      standing === "owner" ? "allow" : "forbidden",
    );
  }
});

Deno.test("a ban refuses join and every frame; a mute refuses speaking, drops typing", () => {
  for (
    const standing of [
      "moderator",
      "member",
      "token",
      "account",
      "guest",
    ] as const
  ) {
    for (const action of SPEAK) {
      assert.equal(decide(action, at(standing, { banned: true })), "forbidden");
    }
    assert.equal(decide("join", at(standing, { muted: true })), "allow");
    assert.equal(decide("message", at(standing, { muted: true })), "forbidden");
    assert.equal(decide("react", at(standing, { muted: true })), "forbidden");
    assert.equal(
      decide("edit", at(standing, { muted: true, own: true })),
      "forbidden",
    );
    assert.equal(decide("typing", at(standing, { muted: true })), "ignored");
    assert.equal(decide("page", at(standing, { banned: true })), "allow");
  }
  for (const standing of ["moderator", "member", "token"] as const) {
    for (const action of ACTIONS) {
      assert.equal(
        decide(action, at(standing, { banned: true, visibility: "private" })),
        "hidden",
        `a ban shuts a private room: ${standing} ${action}`,
      );
    }
  }
  for (const standing of ["owner", "admin"] as const) {
    assert.equal(decide("join", at(standing, { banned: true })), "allow");
    assert.equal(decide("message", at(standing, { muted: true })), "allow");
  }
});

Deno.test("edit: own messages only; delete: own, or anyone's for moderators", () => {
  for (const standing of STANDINGS) {
    const moderating = ["admin", "owner", "moderator"].includes(standing);
    assert.equal(decide("edit", at(standing, { own: true })), "allow");
    assert.equal(decide("edit", at(standing)), "forbidden");
    assert.equal(decide("delete", at(standing, { own: true })), "allow");
    assert.equal(
      decide("delete", at(standing)),
      moderating ? "allow" : "forbidden",
    );
  }
});

Deno.test("the owner is protected; moderators only by the owner or an admin", () => {
  for (const actor of STANDINGS) {
    for (const target of STANDINGS) {
      const expected = !["admin", "owner", "moderator"].includes(actor)
        ? false
        : target === "owner"
        ? false
        : target === "moderator" || target === "admin"
        ? actor === "owner" || actor === "admin"
        : true;
      assert.equal(
        mayModerate(actor, target),
        expected,
        `${actor} → ${target}`,
      );
    }
  }
});

Deno.test("standing from identity and room", () => {
  const room = {
    room: "r",
    owner: "olga",
    moderators: ["mo"],
    admins: ["root"],
    member: false,
  };
  assert.equal(
    standingOf({ ...room, kind: "account", account: "root" }),
    "admin",
  );
  assert.equal(
    standingOf({ ...room, kind: "account", account: "olga" }),
    "owner",
  );
  assert.equal(
    standingOf({ ...room, kind: "account", account: "mo" }),
    "moderator",
  );
  assert.equal(
    standingOf({ ...room, kind: "account", account: "x", member: true }),
    "member",
  );
  assert.equal(
    standingOf({ ...room, kind: "account", account: "x" }),
    "account",
  );
  assert.equal(
    standingOf({ ...room, kind: "token", tokenRooms: ["r"] }),
    "token",
  );
  assert.equal(
    standingOf({ ...room, kind: "token", tokenRooms: ["q"] }),
    "account",
  );
  assert.equal(standingOf({ ...room, kind: "guest" }), "guest");
  assert.equal(roleOf("owner"), "owner");
  assert.equal(roleOf("admin"), "moderator");
  assert.equal(roleOf("guest"), "member");
});
