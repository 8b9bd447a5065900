/** The `join` a client sends on each new socket, resuming after the newest id it holds. */
import type { JoinFrame } from "../protocol/events.ts";
import type { ChatState } from "./chat_state.ts";

/** The `join` for our name, resuming after the newest id we hold; null before a name is chosen. */
export function joinFrame(
  state: Pick<ChatState, "username" | "lastId" | "messages">,
  clientId: string | undefined,
): JoinFrame | null {
  const username = state.username;
  if (username === null) return null;
  const frame: JoinFrame = {
    type: "join",
    username,
    batch: true,
    presence: "coalesced",
  };
  if (clientId) frame.clientId = clientId;
  const since = [state.lastId, state.messages.at(-1)?.id]
    .filter((id) => typeof id === "string").sort().at(-1);
  if (since !== undefined) frame.since = since;
  return frame;
}
