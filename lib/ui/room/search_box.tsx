import { useSignal } from "@preact/signals";
import type { MessageEvent } from "../../protocol/events.ts";
import { DEFAULT_SEARCH_RESULTS } from "../../protocol/limits.ts";
import { formatFull } from "../format.ts";
import type { RoomModel } from "./room_model.ts";

/** The room's search: a box in the header, results you can jump to. */
export function SearchBox(props: { model: RoomModel }) {
  const { model } = props;
  const query = useSignal("");
  const results = useSignal<MessageEvent[] | null>(null);
  const status = useSignal("");
  const close = () => {
    results.value = null;
    status.value = "";
  };
  const run = async () => {
    const q = query.value.trim();
    if (q === "") return close();
    status.value = "Searching…";
    const url = new URL(
      `/api/rooms/${encodeURIComponent(model.props.room)}/search`,
      location.href,
    );
    url.searchParams.set("q", q);
    url.searchParams.set("limit", String(DEFAULT_SEARCH_RESULTS));
    try {
      const res = await fetch(url);
      if (!res.ok) throw new Error(String(res.status));
      const found = (await res.json()).messages as MessageEvent[];
      results.value = found;
      status.value = found.length === 0
        ? "No message holds all those words."
        : `${found.length} message${found.length === 1 ? "" : "s"} found`;
    } catch {
      results.value = [];
      status.value = "The search did not answer; try again.";
    }
  };
  return (
    <div
      class="search"
      onKeyDown={(event) => {
        if (event.key === "Escape" && results.value) {
          event.preventDefault();
          close();
          document.getElementById("room-search")?.focus();
        }
      }}
    >
      <form
        role="search"
        class="search-form"
        onSubmit={(event) => {
          event.preventDefault();
          void run();
        }}
      >
        <label for="room-search" class="visually-hidden">
          Search messages in #{model.props.room}
        </label>
        <input
          id="room-search"
          type="search"
          class="input search-input"
          placeholder="Search"
          autocomplete="off"
          value={query.value}
          onInput={(event) => query.value = event.currentTarget.value}
        />
      </form>
      <p class="visually-hidden" role="status">{status.value}</p>
      {results.value && (
        <div class="search-results" aria-label="Search results">
          <p class="search-status">{status.value}</p>
          <ol>
            {results.value.map((message) => (
              <li key={message.id}>
                <button
                  type="button"
                  class="search-hit"
                  onClick={() => {
                    close();
                    model.actions.jump(message.id);
                  }}
                >
                  <span class="search-hit-head">
                    <bdi class="msg-author">{message.username}</bdi>
                    <time dateTime={new Date(message.ts).toISOString()}>
                      {formatFull(message.ts, { timeZone: model.zone.value })}
                    </time>
                  </span>
                  <span class="search-hit-text" dir="auto">
                    {message.text}
                  </span>
                </button>
              </li>
            ))}
          </ol>
          <button
            type="button"
            class="btn btn-small btn-quiet"
            onClick={close}
          >
            Close
          </button>
        </div>
      )}
    </div>
  );
}

/** Asks, on a click, to notify of mentions while the page is hidden; gone once answered. */
export function NotifyButton() {
  const asked = useSignal(0);
  if (
    typeof Notification === "undefined" ||
    Notification.permission !== "default"
  ) {
    return null;
  }
  return (
    <button
      type="button"
      class="btn btn-small btn-quiet notify-toggle"
      data-asked={asked.value}
      onClick={async () => {
        await Notification.requestPermission();
        asked.value++;
      }}
    >
      Notify me of mentions
    </button>
  );
}
