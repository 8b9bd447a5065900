import assert from "node:assert/strict";
import { RoomChannels } from "./room_channels.ts";

Deno.test("room channels: one per room, opened by the first share and closed after the last; a share leaves once", () => {
  const log: string[] = [];
  let made = 0;
  const channels = new RoomChannels<number>({
    open: (room) => {
      log.push(`open ${room}`);
      return ++made;
    },
    close: (channel, room) => log.push(`close ${room} ${channel}`),
  });
  const a = channels.join("r");
  const b = channels.join("r");
  const other = channels.join("s");
  assert.equal(a.channel, b.channel);
  assert.equal(channels.get("r"), a.channel);
  assert.deepEqual(channels.rooms(), ["r", "s"]);
  a.leave();
  a.leave();
  assert.equal(channels.size, 2, "b still holds r");
  b.leave();
  assert.equal(channels.get("r"), undefined);
  const again = channels.join("r");
  assert.notEqual(again.channel, a.channel, "a fresh channel");
  channels.closeAll();
  other.leave();
  assert.equal(channels.size, 0);
  assert.deepEqual(log, [
    "open r",
    "open s",
    "close r 1",
    "open r",
    "close s 2",
    "close r 3",
  ]);
});

Deno.test("room channels: subscribe waits for a channel's ready, and a channel that fails is left", async () => {
  const failing = new RoomChannels<{ ready: Promise<void> }>({
    open: () => ({ ready: Promise.reject(new Error("down")) }),
    close: () => {},
  });
  let stopped = 0;
  await assert.rejects(
    failing.subscribe("r", () => stopped++),
    /down/,
  );
  assert.equal(stopped, 1);
  assert.equal(failing.size, 0);
  const ready = Promise.withResolvers<void>();
  const slow = new RoomChannels<{ ready: Promise<void> }>({
    open: () => ({ ready: ready.promise }),
    close: () => {},
  });
  let resolved = false;
  const subscribing = slow.subscribe("r", () => stopped++).then((stop) => {
    resolved = true;
    return stop;
  });
  await Promise.resolve();
  assert.equal(resolved, false, "not before the channel is ready");
  ready.resolve();
  const stop = await subscribing;
  stop();
  stop();
  assert.equal(stopped, 2);
  assert.equal(slow.size, 0);
});
