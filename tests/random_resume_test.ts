/**
 * Randomised: people on several server processes send, edit, delete, react,
 * drop and resume at random for a bounded time; afterwards each one got the
 * room's sequence in order with no duplicate, and its list of messages with
 * every change applied equals the room's stored history.
 */
import assert from "node:assert/strict";
import type { LogEvent, MessageEvent } from "../lib/protocol/events.ts";
import { mergeMessages } from "../lib/client/chat_state.ts";
import { applyChanges } from "../lib/client/message_changes.ts";
import { redisSkipReason, startRedis } from "./support/redis.ts";
import { type RunningApp, startApp } from "./support/app_server.ts";
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
const SEQUENCED = new Set(["message", "edited", "deleted", "reaction"]);
const EMOJI = ["👍", "🎉", "❤️"];

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

async function history(server: RunningApp, room: string): Promise<Frame[]> {
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
      if (SEQUENCED.has(frame.type)) list.push(frame);
    }
  }
  return list;
}

/** The messages a client holds after applying what it was sent, as the client library does. */
function applied(events: Frame[]): readonly MessageEvent[] {
  const log = events as LogEvent[];
  return applyChanges(
    mergeMessages(
      [],
      log.filter((e): e is MessageEvent => e.type === "message"),
    ),
    log,
  );
}

/** A message id `person` has seen, their own when `own`. */
function someMessage(
  person: Person,
  options: { own: boolean; pick: <T>(items: T[]) => T },
): string | undefined {
  const ids = delivered(person).filter((e) =>
    e.type === "message" && !e.deleted &&
    (!options.own || e.username === person.name)
  ).map((e) => e.id as string);
  return ids.length === 0 ? undefined : options.pick(ids);
}

async function resume(person: Person, server: RunningApp): Promise<void> {
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
      Array.from({ length: SERVERS }, () => startApp({ env })),
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
      let changes = 0;
      for (let step = 0; step < STEPS; step++) {
        const person = pick(people);
        const roll = next();
        if (roll < 0.55 && person.client) {
          person.client.send({
            type: "message",
            text: `s${step}`,
            nonce: `n${step}`,
          });
          sent++;
        } else if (roll < 0.75 && person.client) {
          const own = roll < 0.7;
          const id = someMessage(person, { own, pick });
          if (id === undefined) continue;
          changes++;
          if (roll < 0.65) {
            person.client.send({ type: "edit", id, text: `e${step}` });
          } else if (roll < 0.7) {
            person.client.send({ type: "delete", id });
          } else {
            person.client.send({
              type: "react",
              id,
              emoji: pick(EMOJI),
              on: next() < 0.7,
            });
          }
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
        const stored = await history(pick(servers), person.room);
        const got = delivered(person);
        const ids = got.map((e) => e.id as string);
        assert.deepEqual(
          ids,
          [...new Set(ids)].sort(),
          `${person.name}: in order, no duplicate (seed ${seed})`,
        );
        const held = applied(got);
        assert.deepEqual(
          held.map((m) => m.id),
          stored.map((m) => m.id),
          `${person.name} in ${person.room} (seed ${seed})`,
        );
        assert.deepEqual(held, stored, `${person.name} (seed ${seed})`);
        checked += got.length;
      }
      assert.ok(sent > STEPS / 3, `sent ${sent}`);
      assert.ok(changes > STEPS / 10, `changes ${changes}`);
      console.log(
        `${sent} sends, ${changes} edits, deletions and reactions, ${checked} deliveries checked`,
      );
    } finally {
      for (const person of people) person.client?.socket.close();
      await Promise.all(servers.map((s) => s.stop()));
      await redis.stop();
    }
  },
});
