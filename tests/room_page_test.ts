/** The room page over real sockets: its URL forms and what it renders. */
import assert from "node:assert/strict";
import { rawRequest } from "./support/hostile.ts";
import { withApp } from "./support/app_server.ts";

Deno.test({
  name:
    "room page: any spelling, with or without a trailing slash, redirects in one hop to the canonical room",
  async fn() {
    await withApp({}, async (server) => {
      for (
        const [path, location] of [
          ["/chat/LOBBY/", "/chat/lobby"],
          ["/chat/LOBBY/?x=1", "/chat/lobby?x=1"],
          ["/chat/LOBBY", "/chat/lobby"],
          ["/chat/lobby/", "/chat/lobby"],
          ["/chat/Caf%C3%A9/", "/chat/caf%C3%A9"],
        ]
      ) {
        const res = await rawRequest(server.port, { path });
        assert.equal(res.status, 308, path);
        assert.equal(res.headers.get("location"), location, path);
        const next = await rawRequest(server.port, { path: location });
        assert.equal(next.status, 200, `${location} after ${path}`);
      }
      const invalid = await rawRequest(server.port, { path: "/chat/a%20b/" });
      assert.ok([308, 404].includes(invalid.status));
    });
  },
});
