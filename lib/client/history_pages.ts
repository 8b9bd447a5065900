/** Pages of a room's stored history over HTTP: one page, and the pages a truncated welcome left out. */
import type { MessageEvent } from "../protocol/events.ts";
import { MAX_HISTORY_PAGE } from "../protocol/limits.ts";

/** Most pages fetched to fill one gap. */
export const GAP_MAX_PAGES = 100;

/** Where and how pages are fetched. */
export interface PageSource {
  /** `http(s)://host/api/rooms/<room>/messages` */
  messagesUrl: string;
  fetch?: typeof fetch;
}

/** The messages before `before` (oldest first), at most `limit`; throws on an HTTP error. */
export async function fetchPage(
  source: PageSource,
  page: { before: string; limit: number },
): Promise<MessageEvent[]> {
  const url = new URL(source.messagesUrl);
  url.searchParams.set("before", page.before);
  url.searchParams.set("limit", String(page.limit));
  const res = await (source.fetch ?? fetch)(url);
  if (!res.ok) {
    await res.body?.cancel();
    throw new Error(`status ${res.status}`);
  }
  const body = await res.json() as { messages?: MessageEvent[] };
  return Array.isArray(body.messages) ? body.messages : [];
}

/**
 * Fetches the messages after `afterId` and before `beforeId`, newest page
 * first, handing each page to `apply`; false when a fetch failed.
 */
export async function fillGap(
  source: PageSource,
  options: {
    afterId: string | null;
    beforeId: string;
    apply: (messages: MessageEvent[]) => void;
    /** True once the client is closed: stop. */
    stopped: () => boolean;
  },
): Promise<boolean> {
  const { afterId } = options;
  let before = options.beforeId;
  for (let page = 0; page < GAP_MAX_PAGES; page++) {
    let messages: MessageEvent[];
    try {
      messages = await fetchPage(source, { before, limit: MAX_HISTORY_PAGE });
    } catch {
      return false;
    }
    if (options.stopped()) return true;
    const wanted = messages.filter((m) => afterId === null || m.id > afterId);
    options.apply(wanted);
    if (
      wanted.length < messages.length || messages.length < MAX_HISTORY_PAGE ||
      afterId === null
    ) return true;
    before = messages[0].id;
  }
  return true;
}
