import assert from "node:assert/strict";
import { LocalFanout, type RoomEvent } from "../chat/fanout.ts";
import { LocalPresence } from "../chat/presence.ts";
import { FakeClock } from "../fake_clock.ts";
import { announcingPresence } from "./backend.ts";

Deno.test("announcingPresence: the people of a vanished server are announced as left, stamped by the clock, with who stays", async () => {
  const clock = new FakeClock(5_000);
  const fanout = new LocalFanout();
  const heard: RoomEvent[] = [];
  const both = Promise.withResolvers<void>();
  const stop = await fanout.subscribe("r", (event) => {
    if (heard.push(event) === 2) both.resolve();
  });
  let expire: ((room: string, usernames: string[]) => void) | undefined;
  const presence = announcingPresence((onExpired) => {
    expire = onExpired;
    return new LocalPresence();
  }, { fanout, clock, onError: (error) => assert.fail(String(error)) });
  await presence.claim("r", { username: "bob", canonical: "bob" });
  expire!("r", ["Cy", "Dee"]);
  await both.promise;
  assert.deepEqual(
    heard.map((e) => e.type === "left" && [e.username, e.ts, e.members]),
    [["Cy", 5_000, ["bob"]], ["Dee", 5_000, ["bob"]]],
  );
  stop();
  fanout.close();
  await presence.close();
});
