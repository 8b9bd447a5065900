import assert from "node:assert/strict";
import type { AppState } from "../app_state.ts";
import { MemoryAccounts } from "../backends/memory/accounts.ts";
import { MemoryRooms } from "../backends/memory/rooms.ts";
import { MemoryStore } from "../backends/memory/store.ts";
import { LocalFanout } from "../chat/fanout.ts";
import { FakeClock } from "../fake_clock.ts";
import type { RouteContext } from "../framework/types.ts";
import { People } from "../people/people.ts";
import { RoomAccess } from "../rooms/access.ts";
import { defaultSettings } from "../rooms/room_store.ts";
import { json } from "./json.ts";
import {
  limitParam,
  MAX_BODY_BYTES,
  readBody,
  roomRoute,
} from "./room_routes.ts";

function chunked(text: string): Request {
  const bytes = new TextEncoder().encode(text);
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (let at = 0; at < bytes.length; at += 1000) {
        controller.enqueue(bytes.slice(at, at + 1000));
      }
      controller.close();
    },
  });
  return new Request("http://x/", { method: "POST", body });
}

Deno.test("readBody: a body past MAX_BODY_BYTES without a declared length is 413", async () => {
  const answer = await readBody(
    chunked(JSON.stringify({ a: "x".repeat(MAX_BODY_BYTES) })),
  );
  assert.ok(answer instanceof Response);
  assert.equal(answer.status, 413);
});

Deno.test("readBody: a JSON object up to the limit is read; other JSON is 400", async () => {
  assert.deepEqual(await readBody(chunked('{"maxUses":3}')), { maxUses: 3 });
  const answer = await readBody(chunked("[1]"));
  assert.ok(answer instanceof Response);
  assert.equal(answer.status, 400);
});

Deno.test("limitParam: absent is the fallback; 1..max in plain digits; anything else is 400", async () => {
  const at = (query: string) =>
    limitParam(new URL(`http://x/${query}`), { fallback: 50, max: 200 });
  assert.equal(at(""), 50);
  assert.equal(at("?limit=1"), 1);
  assert.equal(at("?limit=200"), 200);
  for (const bad of ["0", "201", "1e2", "-1", " 5", "0x10", "", "12345"]) {
    const answer = at(`?limit=${encodeURIComponent(bad)}`);
    assert.ok(answer instanceof Response, bad);
    assert.equal(answer.status, 400);
    assert.match((await answer.json()).error, /from 1 to 200/);
  }
});

function routeContext(room: string) {
  const clock = new FakeClock(5_000);
  const rooms = new MemoryRooms();
  const access = new RoomAccess({
    rooms,
    messages: new MemoryStore(),
    fanout: new LocalFanout(),
    clock,
  });
  const people = new People({
    accounts: new MemoryAccounts({ clock }),
    log: () => {},
    clock,
  });
  const ctx = {
    params: { room },
    url: new URL(`http://x/api/rooms/${room}`),
    info: {
      remoteAddr: { transport: "tcp", hostname: "10.0.0.9", port: 1 },
    } as Deno.ServeHandlerInfo,
    state: { access, people, trustedProxies: [] } as unknown as AppState,
  } as unknown as RouteContext<unknown, AppState>;
  return { ctx, rooms };
}

Deno.test("roomRoute: an invalid name is 404 (with its reason only where asked), a refusal answers before the handler", async () => {
  let ran = 0;
  const handle = () => {
    ran++;
    return json({ ok: true });
  };
  const plain = roomRoute({ action: "metadata" }, handle);
  const explained = roomRoute({ action: "history", nameReason: true }, handle);
  const req = new Request("http://x/");
  const bad = routeContext("no spaces");
  const hidden = await plain(req, bad.ctx);
  assert.equal(hidden.status, 404);
  assert.deepEqual(await hidden.json(), { error: "no such room" });
  const reasoned = await explained(req, bad.ctx);
  assert.equal(reasoned.status, 404);
  assert.equal(typeof (await reasoned.json()).reason, "string");
  const { ctx } = routeContext("lobby");
  const audit = roomRoute({ action: "audit" }, handle);
  assert.equal((await audit(req, ctx)).status, 403, "a guest reads no audit");
  assert.equal(ran, 0);
  assert.equal((await plain(req, ctx)).status, 200);
  assert.equal(ran, 1);
});

Deno.test("roomRoute: the handler gets the canonical room, the asker from the peer, and an audit stamped on the access clock", async () => {
  const { ctx, rooms } = routeContext("LoBBy");
  const route = roomRoute(
    { action: "metadata" },
    async (_req, _ctx, { room, asker, audit }) => {
      await audit({ action: "invite", target: "2 uses" });
      return json({ room, address: asker.address });
    },
  );
  const answer = await route(new Request("http://x/"), ctx);
  assert.deepEqual(await answer.json(), {
    room: "lobby",
    address: "10.0.0.9",
  });
  assert.deepEqual(await rooms.auditLog("lobby", 10), [
    { action: "invite", by: "", target: "2 uses", ts: 5_000 },
  ]);
});

Deno.test("roomRoute hiddenOnly: a room the asker may see lets the handler decide; a private one is 404", async () => {
  const { ctx, rooms } = routeContext("closed");
  await rooms.create({
    ...defaultSettings("closed"),
    owner: "o",
    guests: false,
  });
  const handle = () => json({ ok: true });
  const req = new Request("http://x/");
  const strict = roomRoute({ action: "join" }, handle);
  const seen = roomRoute({ action: "join", hiddenOnly: true }, handle);
  assert.equal((await strict(req, ctx)).status, 403);
  assert.equal((await seen(req, ctx)).status, 200);
  const secret = routeContext("secret");
  await secret.rooms.create({
    ...defaultSettings("secret"),
    owner: "o",
    visibility: "private",
  });
  assert.equal((await seen(req, secret.ctx)).status, 404);
});
