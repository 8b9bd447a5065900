/** Paging back through a room's history: the page before the oldest message held, merged into a client's state. */
import type { MessageEvent } from "../protocol/events.ts";
import { DEFAULT_HISTORY_PAGE } from "../protocol/limits.ts";
import { type ChatState, mergeMessages } from "./chat_state.ts";
import { fetchPage, type PageSource } from "./history_pages.ts";

/** The client the pages are loaded into. */
export interface HistoryHost {
  /** The state now. */
  state(): ChatState;
  update(patch: Partial<ChatState>): void;
  /** True once the client is closed: nothing more is applied. */
  stopped(): boolean;
}

/**
 * Loads the page of messages before the oldest one held (oldest first);
 * stops for good once the server answers with an empty page.
 */
export async function loadOlder(
  source: PageSource,
  host: HistoryHost,
): Promise<void> {
  const { older, messages: held } = host.state();
  const oldest = held[0]?.id;
  if (older === "loading" || older === "done" || host.stopped()) return;
  if (oldest === undefined) return host.update({ older: "done" });
  host.update({ older: "loading" });
  let messages: MessageEvent[];
  try {
    messages = await fetchPage(source, {
      before: oldest,
      limit: DEFAULT_HISTORY_PAGE,
    });
  } catch {
    if (!host.stopped()) host.update({ older: "error" });
    return;
  }
  if (host.stopped()) return;
  const fresh = messages.filter((m) => m.id < oldest);
  host.update({
    messages: mergeMessages(host.state().messages, fresh),
    older: messages.length === 0 ? "done" : "idle",
  });
}
