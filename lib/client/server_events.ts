/** Reading the server's frames: text to an event, a `batch` to its events, a coalesced `presence` to joins and leaves. */
import type { PresenceEvent, ServerEvent } from "../protocol/events.ts";

function isEvent(value: unknown): value is ServerEvent {
  return typeof value === "object" && value !== null && "type" in value;
}

/** The events a frame's text carries, a `batch` unpacked (one level: a batch inside one is dropped); none when it is not an event. */
export function readFrame(data: string): ServerEvent[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(data);
  } catch {
    return [];
  }
  if (!isEvent(parsed)) return [];
  if (parsed.type !== "batch") return [parsed];
  if (!Array.isArray(parsed.events)) return [];
  return parsed.events.filter((inner: unknown): inner is ServerEvent =>
    isEvent(inner) && inner.type !== "batch"
  );
}

/** A join or leave that a coalesced `presence` event tells of. */
export interface PresenceNotice {
  type: "joined" | "left";
  username: string;
  ts: number;
}

/** A coalesced `presence` event as one join or leave per person, joins first. */
export function presenceChanges(event: PresenceEvent): PresenceNotice[] {
  const { ts } = event;
  const names = (list: unknown) =>
    Array.isArray(list)
      ? list.filter((name): name is string => typeof name === "string")
      : [];
  return [
    ...names(event.joined).map((username): PresenceNotice => ({
      type: "joined",
      username,
      ts,
    })),
    ...names(event.left).map((username): PresenceNotice => ({
      type: "left",
      username,
      ts,
    })),
  ];
}
