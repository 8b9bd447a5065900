/** What a message's buttons do in the live room: reply, react, edit in place, delete, jump to a quoted message. */
import type { Signal } from "@preact/signals";
import type { MessageEvent } from "../../protocol/events.ts";
import type { ChatClient } from "../../client/chat_client.ts";
import type { ChatState } from "../../client/chat_state.ts";
import type { MessageActions } from "../message_parts.tsx";
import type { Clock } from "../../clock.ts";

/** The parts of the room model the actions read and set. */
export interface ActionTarget {
  state: Signal<ChatState>;
  client: ChatClient | null;
  editing: Signal<string | null>;
  replyTo: Signal<MessageEvent | null>;
  announcement: Signal<string>;
  clock: Clock;
}

/** Pages of older history read at most to find a message to jump to. */
export const JUMP_MAX_PAGES = 20;
/** How long a jumped-to message stays highlighted. */
export const HIGHLIGHT_MS = 2000;

function focusComposer(): void {
  document.getElementById("chat-input")?.focus();
}

/** Scrolls to message `id`, reading older history until it is loaded; says so when it is not there. */
async function jumpTo(model: ActionTarget, id: string): Promise<void> {
  for (let page = 0; page <= JUMP_MAX_PAGES; page++) {
    const row = document.getElementById(`m-${id}`);
    if (row) {
      row.scrollIntoView({ block: "center" });
      row.classList.add("msg-highlight");
      row.tabIndex = -1;
      row.focus({ preventScroll: true });
      model.clock.setTimeout(
        () => row.classList.remove("msg-highlight"),
        HIGHLIGHT_MS,
      );
      return;
    }
    const state = model.state.peek();
    if (state.older === "done" || state.messages[0]?.id < id || !model.client) {
      break;
    }
    await model.client.loadOlder();
    await new Promise((resolve) => requestAnimationFrame(resolve));
  }
  model.announcement.value = "That message is no longer in the history.";
}

/** The actions of the room's messages, one stable object. */
export function createActions(model: ActionTarget): MessageActions {
  return {
    reply(message) {
      model.replyTo.value = message;
      focusComposer();
    },
    react(id, options) {
      model.client?.react(id, options);
    },
    startEdit(id) {
      model.editing.value = id;
    },
    saveEdit(id, text) {
      const before = model.state.peek().messages.find((m) => m.id === id);
      const chat = model.client;
      const problem = before?.text === text
        ? null
        : chat
        ? chat.edit(id, text)
        : "Not connected yet.";
      if (problem === null) {
        model.editing.value = null;
        focusComposer();
      }
      return problem;
    },
    cancelEdit() {
      model.editing.value = null;
      focusComposer();
    },
    remove(id) {
      if (
        !confirm("Delete this message? Everyone will see that it was deleted.")
      ) {
        return;
      }
      model.client?.delete(id);
      focusComposer();
    },
    jump(id) {
      void jumpTo(model, id);
    },
  };
}
