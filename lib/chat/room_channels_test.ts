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
