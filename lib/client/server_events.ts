/** Reading the server's frames: text to an event, a `batch` to its events, a coalesced `presence` to joins and leaves. */
import type { PresenceEvent, ServerEvent } from "../protocol/events.ts";
import type { PresenceChange } from "./chat_reducer.ts";

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

/** A coalesced `presence` event as one `joined` or `left` per person, joins first. */
export function presenceChanges(event: PresenceEvent): PresenceChange[] {
  const { members, people, ts } = event;
  return [
    ...(event.joined ?? []).map((username): PresenceChange => ({
      type: "joined",
      username,
      ts,
      members,
      people,
    })),
    ...(event.left ?? []).map((username): PresenceChange => ({
      type: "left",
      username,
      ts,
      members,
      people,
    })),
  ];
}
