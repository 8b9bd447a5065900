/**
 * Randomised: people on several server processes send, drop and resume at
 * random for a bounded time; afterwards each one's list of messages equals
 * the room's stored history, in order, with no duplicate.
 */
import assert from "node:assert/strict";
import { redisSkipReason, startRedis } from "./support/redis.ts";
import { type RunningServer, startServer } from "./support/server.ts";
import {
  connect,
  type Frame,
  freshRoom,
  type TestClient,
} from "./support/ws_client.ts";

const skip = redisSkipReason();
const SERVERS = 3;
const PEOPLE_PER_ROOM = 5;
const ROOMS = 2;
const STEPS = 1500;

interface Person {
  name: string;
  room: string;
  seen: Frame[];
  connections: TestClient[];
  /** Frames of each connection that count: a closed one's later frames are ignored, as a real client does. */
  cutoffs: Map<TestClient, number>;
  client?: TestClient;
}

/** A small deterministic generator, so a failure can be replayed from its seed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

async function history(server: RunningServer, room: string): Promise<Frame[]> {
  const all: Frame[] = [];
  let before = "";
  while (true) {
    const query = before ? `&before=${before}` : "";
    const res = await fetch(
      `${server.url}/api/rooms/${room}/messages?limit=200${query}`,
    );
    const { messages } = await res.json();
    if (messages.length === 0) return all;
    all.unshift(...messages);
    before = messages[0].id;
  }
}

function delivered(person: Person): Frame[] {
  const list: Frame[] = [];
  for (const client of person.connections) {
    const cutoff = person.cutoffs.get(client) ?? client.received.length;
    for (const frame of client.received.slice(0, cutoff)) {
      if (frame.type === "welcome") list.push(...frame.history);
      if (frame.type === "message") list.push(frame);
    }
  }
  return list;
}

async function resume(person: Person, server: RunningServer): Promise<void> {
  const client = await connect(server.url, `/api/rooms/${person.room}/ws`);
  const since = delivered(person).at(-1)?.id ?? "";
  const welcome = await client.join(person.name, {
    clientId: person.name,
    since,
    batch: person.name.endsWith("0"),
  });
  assert.equal(welcome.type, "welcome", JSON.stringify(welcome));
  assert.equal(welcome.truncated, undefined);
  person.connections.push(client);
  person.client = client;
}

Deno.test({
  name:
    "randomised sends, drops and resumes across processes: every list equals the store",
  ignore: Boolean(skip),
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const seed = Number(Deno.env.get("CHAT_TEST_SEED") ?? Date.now() % 100_000);
    console.log(`seed ${seed} (CHAT_TEST_SEED=${seed} replays it)`);
    const next = random(seed);
    const pick = <T>(items: T[]): T => items[Math.floor(next() * items.length)];
    const redis = await startRedis();
    const env = {
      CHAT_STORE: "redis",
      REDIS_URL: redis.url,
      CHAT_RATE_LIMIT: "off",
    };
    const servers = await Promise.all(
      Array.from({ length: SERVERS }, () => startServer({ env })),
    );
    const people: Person[] = [];
    try {
      for (let r = 0; r < ROOMS; r++) {
        const room = freshRoom("rand");
        for (let p = 0; p < PEOPLE_PER_ROOM; p++) {
          people.push({
            name: `p${r}x${p}`,
            room,
            seen: [],
            connections: [],
            cutoffs: new Map(),
          });
        }
      }
      for (const person of people) await resume(person, pick(servers));
      let sent = 0;
      for (let step = 0; step < STEPS; step++) {
        const person = pick(people);
        const roll = next();
        if (roll < 0.75 && person.client) {
          person.client.send({
            type: "message",
            text: `s${step}`,
            nonce: `n${step}`,
          });
          sent++;
        } else if (roll < 0.9 && person.client) {
          person.cutoffs.set(person.client, person.client.received.length);
          person.client.socket.close();
          person.client = undefined;
        } else if (!person.client) {
          await resume(person, pick(servers));
        }
        if (step % 20 === 0) await new Promise((r) => setTimeout(r, 5));
      }
      for (const person of people) {
        if (!person.client) await resume(person, pick(servers));
      }

      for (const room of new Set(people.map((p) => p.room))) {
        const sender = people.find((p) => p.room === room)!;
        sender.client!.send({ type: "message", text: "end", nonce: "end" });
      }
      const deadline = Date.now() + 15_000;
      for (const person of people) {
        while (
          !delivered(person).some((m) => m.text === "end") &&
          Date.now() < deadline
        ) {
          await new Promise((r) => setTimeout(r, 20));
        }
      }
      let checked = 0;
      for (const person of people) {
        const stored = await history(servers[0], person.room);
        const got = delivered(person);
        assert.deepEqual(
          got.map((m) => m.id),
          stored.map((m) => m.id),
          `${person.name} in ${person.room} (seed ${seed})`,
        );
        assert.deepEqual(got, stored);
        checked += got.length;
      }
      assert.ok(sent > STEPS / 2, `sent ${sent}`);
      console.log(
        `${sent} sends, ${checked} deliveries checked`,
      );
    } finally {
      for (const person of people) person.client?.socket.close();
      await Promise.all(servers.map((s) => s.stop()));
      await redis.stop();
    }
  },
});
