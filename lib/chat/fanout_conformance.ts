import assert from "node:assert/strict";
import type { Fanout, RoomEvent } from "./fanout.ts";

/** Opens `count` fan-outs sharing one backend (one per server) for one case. */
export type FanoutFactory = (count: number) => Promise<Fanout[]>;

function typing(username: string): RoomEvent {
  return { type: "typing", username };
}

function collector() {
  const events: RoomEvent[] = [];
  const waiters: (() => void)[] = [];
  return {
    events,
    listener(event: RoomEvent) {
      events.push(event);
      waiters.splice(0).forEach((wake) => wake());
    },
    async until(count: number, timeoutMs = 10_000): Promise<void> {
      const deadline = Date.now() + timeoutMs;
      while (events.length < count) {
        const left = deadline - Date.now();
        if (left <= 0) {
          throw new Error(`got ${JSON.stringify(events)}, wanted ${count}`);
        }
        let timer: ReturnType<typeof setTimeout> | undefined;
        await new Promise<void>((wake) => {
          waiters.push(wake);
          timer = setTimeout(wake, left);
        });
        clearTimeout(timer);
      }
    },
  };
}

function names(events: RoomEvent[]): string[] {
  return events.map((event) => (event as { username: string }).username);
}

/** Registers the behaviour every fan-out shared between servers must have. */
export function testFanoutConformance(
  name: string,
  open: FanoutFactory,
): void {
  Deno.test({
    name: `fanout conformance: ${name}`,
    async fn(t) {
      const cases: Record<string, (f: Fanout[]) => Promise<void>> = {
        "an event reaches every server once, in publish order": async (
          [a, b],
        ) => {
          const here = collector();
          const there = collector();
          await a.subscribe("r", here.listener);
          await b.subscribe("r", there.listener);
          const sent = Array.from({ length: 30 }, (_, i) => `u${i}`);
          for (const username of sent) a.publish("r", typing(username));
          await there.until(sent.length);
          assert.deepEqual(names(here.events), sent, "delivered here at once");
          b.publish("r", typing("barrier"));
          await here.until(sent.length + 1);
          assert.deepEqual(names(there.events), [...sent, "barrier"]);
          assert.deepEqual(names(here.events), [...sent, "barrier"]);
        },
        "rooms are apart, and a stopped subscription hears nothing": async (
          [a, b],
        ) => {
          const r = collector();
          const s = collector();
          const gone = collector();
          await b.subscribe("r", r.listener);
          await b.subscribe("s", s.listener);
          const stop = await b.subscribe("r", gone.listener);
          a.publish("r", typing("first"));
          await gone.until(1);
          stop();
          a.publish("s", typing("elsewhere"));
          a.publish("r", typing("second"));
          await r.until(2);
          await s.until(1);
          assert.deepEqual(names(r.events), ["first", "second"]);
          assert.deepEqual(names(s.events), ["elsewhere"]);
          assert.deepEqual(names(gone.events), ["first"]);
        },
      };
      for (const [title, body] of Object.entries(cases)) {
        await t.step(title, async () => {
          const fanouts = await open(2);
          try {
            await body(fanouts);
          } finally {
            for (const fanout of fanouts) fanout.close();
          }
        });
      }
    },
  });
}
