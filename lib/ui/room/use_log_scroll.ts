/** The message log's scrolling: stick to the newest end, keep the place otherwise, fetch older history near the top. */
import type { RefObject } from "preact";
import { useLayoutEffect, useRef } from "preact/hooks";
import {
  type Anchor,
  captureAnchor,
  fromBottom,
  fromTop,
  restoreAnchor,
} from "./scroll_anchor.ts";
import type { RoomModel } from "./room_model.ts";

/** Closer to the newest message than this (px), new messages keep the log at its end. */
export const STICK_PX = 48;
/** Further from the newest message than this (px), the jump button shows. */
export const JUMP_PX = 160;
/** Closer to the oldest loaded message than this (px), older history is fetched. */
export const OLDER_PX = 400;

/** The log element's ref and scroll handler; after each render the log sticks or keeps its place. */
export function useLogScroll(model: RoomModel): {
  log: RefObject<HTMLDivElement>;
  onScroll: (event: { currentTarget: HTMLDivElement }) => void;
} {
  const log = useRef<HTMLDivElement>(null);
  const anchor = useRef<Anchor | null>(null);
  const older = model.field("older").peek();
  useLayoutEffect(() => {
    const el = log.current;
    if (!el) return;
    if (model.stick.current) el.scrollTop = 0;
    else restoreAnchor(el, anchor.current);
    anchor.current = captureAnchor(el);
    if (
      model.mounted.peek() && older === "idle" &&
      fromTop(el) < OLDER_PX && el.scrollHeight <= el.clientHeight
    ) {
      void model.client?.loadOlder();
    }
  });
  const onScroll = (event: { currentTarget: HTMLDivElement }) => {
    const el = event.currentTarget;
    const distance = fromBottom(el);
    model.stick.current = distance < STICK_PX;
    model.atBottom.value = distance < JUMP_PX;
    if (model.stick.current) {
      model.unseen.value = 0;
      model.markRead();
    }
    anchor.current = captureAnchor(el);
    if (fromTop(el) < OLDER_PX) void model.client?.loadOlder();
  };
  return { log, onScroll };
}
