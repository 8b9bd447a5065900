/**
 * The whole chat seen from outside, for the tests that run the server in
 * other shapes (another working directory, one bundled file, an executable,
 * Deploy-like permissions): two people talk over WebSocket, the room page
 * names its island and every script it needs loads.
 */
import assert from "node:assert/strict";
import { connect, type Frame, freshRoom } from "./ws_client.ts";

/** What {@linkcode exerciseChat} left behind, to look for after a restart. */
export interface ChatTrace {
  room: string;
  /** Texts stored in the room, oldest first. */
  texts: string[];
}

/** Two clients talk in a fresh room and the room page's island loads. */
export async function exerciseChat(baseUrl: string): Promise<ChatTrace> {
  const room = freshRoom("standalone");
  const texts = await talk(baseUrl, room);
  await loadIslands(baseUrl, room);
  return { room, texts };
}

async function talk(baseUrl: string, room: string): Promise<string[]> {
  const path = `/api/rooms/${room}/ws`;
  const alice = await connect(baseUrl, path);
  const bob = await connect(baseUrl, path);
  try {
    assert.equal((await alice.join("alice")).type, "welcome");
    const welcome = await bob.join("bob");
    assert.deepEqual(welcome.members, ["alice", "bob"]);
    const texts = ["hello bob", "hi alice"];
    alice.send({ type: "message", text: texts[0], nonce: "a-1" });
    const [seenByBob, seenByAlice] = await Promise.all([
      bob.next((f) => f.type === "message" && f.text === texts[0]),
      alice.next((f) => f.type === "message" && f.text === texts[0]),
    ]);
    assert.deepEqual(seenByBob, seenByAlice);
    assert.equal(seenByBob.username, "alice");
    bob.send({ type: "message", text: texts[1] });
    const reply = await alice.next((f) =>
      f.type === "message" && f.text === texts[1]
    );
    assert.equal(reply.username, "bob");
    return texts;
  } finally {
    await Promise.all([alice.close(), bob.close()]);
  }
}

/**
 * Fetches `/chat/<room>`, finds the boot script and the island module the
 * page names, and loads them with every chunk they import.
 */
async function loadIslands(baseUrl: string, room: string): Promise<void> {
  const res = await fetch(`${baseUrl}/chat/${room}`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type") ?? "", /^text\/html/);
  const html = await res.text();
  const boot = html.match(/<script type="module" src="([^"]+)"/)?.[1];
  assert.ok(boot, "the room page has no module script");
  const island = html.match(/<island-root data-island="([^"]+)"/)?.[1];
  assert.ok(island, "the room page has no island");
  const props = html.match(
    /<script type="application\/json" id="__island_props">([^<]*)<\/script>/,
  )?.[1];
  assert.ok(props, "the room page has no island props");
  const module = JSON.parse(props).modules?.[island];
  assert.equal(typeof module, "string", `no module for island ${island}`);

  const seen = new Set<string>();
  const queue = [new URL(boot, baseUrl), new URL(module, baseUrl)];
  while (queue.length > 0) {
    const url = queue.shift()!;
    if (seen.has(url.href)) continue;
    seen.add(url.href);
    const script = await fetch(url);
    assert.equal(script.status, 200, url.href);
    assert.match(
      script.headers.get("content-type") ?? "",
      /javascript/,
      url.href,
    );
    const code = await script.text();
    assert.ok(code.length > 0, `${url.href} is empty`);
    for (
      const [, relative] of code.matchAll(/["'](\.{1,2}\/[^"']+\.js)["']/g)
    ) {
      queue.push(new URL(relative, url));
    }
  }
}

/** Texts of the stored history of `room`, oldest first, via the messages API. */
export async function storedTexts(
  baseUrl: string,
  room: string,
): Promise<string[]> {
  const res = await fetch(`${baseUrl}/api/rooms/${room}/messages`);
  assert.equal(res.status, 200);
  const { messages } = await res.json();
  return messages.map((m: { text: string }) => m.text);
}

/** The whole stored history of `room`, oldest first, paging back through the messages API. */
export async function storedHistory(
  baseUrl: string,
  room: string,
): Promise<Frame[]> {
  const all: Frame[] = [];
  let before = "";
  while (true) {
    const res = await fetch(
      `${baseUrl}/api/rooms/${room}/messages?limit=200${before}`,
    );
    assert.equal(res.status, 200);
    const { messages } = await res.json();
    all.unshift(...messages);
    if (messages.length < 200) return all;
    before = `&before=${messages[0].id}`;
  }
}
