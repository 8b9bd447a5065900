/**
 * The room island in the browser: connects its client, watches for unread
 * messages, and looks after the page around it (zone, recent rooms, "Today").
 */
import { loadUsername, setCookie, TZ_COOKIE } from "../../client/storage.ts";
import { rememberRoom } from "../../client/recent_rooms.ts";
import { repeat } from "../../clock.ts";
import { connectRoom } from "./room_connection.ts";
import type { RoomModel } from "./room_model.ts";
import { trackUnread } from "./unread_tracking.ts";

/** How often "Today" and "Yesterday" are re-evaluated. */
export const CLOCK_MS = 30_000;

/** Starts the room in the browser and joins under the remembered name, if any; returns the cleanup. */
export function startRoom(model: RoomModel): () => void {
  const { props, clock } = model;
  const disconnect = connectRoom(model);
  model.zone.value = Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  setCookie(TZ_COOKIE, model.zone.peek());
  rememberRoom(props.room);
  model.now.value = clock.now();
  const remembered = props.account ?? loadUsername();
  const untrack = trackUnread(model, { remembered });
  model.mounted.value = true;
  const chat = model.client!;
  model.state.value = chat.state;
  if (remembered) chat.join(remembered);
  const stopClock = repeat(() => model.now.value = clock.now(), {
    everyMs: CLOCK_MS,
    clock,
  });
  return () => {
    stopClock();
    untrack();
    disconnect();
  };
}
