/** The member list a test client holds, kept as the browser keeps it (lib/client/member_list.ts). */
import {
  applyPresenceList,
  type MemberList,
} from "../../lib/client/member_list.ts";
import type { Frame } from "./ws_client.ts";

/**
 * The list after the frames `received`: the last welcome's, then each
 * `joined`/`left` (their whole list) and `presence` (changes) after it.
 */
export function heldList(received: readonly Frame[]): MemberList {
  let list: MemberList = { members: [], people: [] };
  for (const frame of received) {
    if (
      frame.type === "welcome" || frame.type === "joined" ||
      frame.type === "left"
    ) {
      list = { members: frame.members, people: frame.people ?? [] };
    } else if (frame.type === "presence") {
      list = applyPresenceList(list, frame as never);
    }
  }
  return list;
}
