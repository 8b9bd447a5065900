/** What the connection banner says, as a pure function of the connection and the clock. */
import type { ConnectionStatus } from "../../client/chat_state.ts";

/** Where the page's connection stands. */
export interface ConnectionView {
  /** False until the island has loaded (the server render shows no banner). */
  mounted: boolean;
  /** The browser's `navigator.onLine`. */
  online: boolean;
  /** True once this page was online: the first connection shows no banner. */
  everOnline: boolean;
  status: ConnectionStatus;
  /** When the next attempt starts (epoch ms). */
  retryAt: number | null;
  now: number;
}

/** The banner's sentence and whether it offers "Retry now"; null when there is nothing to say. */
export function connectionNotice(
  view: ConnectionView,
): { text: string; retry: boolean } | null {
  if (!view.mounted) return null;
  if (!view.online) return { text: "You are offline.", retry: false };
  const lost = view.status === "reconnecting" || view.status === "connecting";
  if (!view.everOnline || !lost) return null;
  const secondsLeft = view.retryAt === null
    ? 0
    : Math.max(0, Math.ceil((view.retryAt - view.now) / 1000));
  return {
    text: secondsLeft > 0
      ? `Connection lost. Retrying in ${secondsLeft} s…`
      : "Connection lost. Reconnecting…",
    retry: true,
  };
}
