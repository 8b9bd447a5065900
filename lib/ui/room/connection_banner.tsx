import { useSignal } from "@preact/signals";
import { useEffect, useRef } from "preact/hooks";
import { repeat } from "../../clock.ts";
import type { RoomModel } from "./room_model.ts";
import { connectionNotice } from "./connection_notice.ts";

/** How often the reconnect countdown is updated. */
export const COUNTDOWN_MS = 1000;

/** "Connection lost. Retrying in 3 s…" above the messages (never over them), or "You are offline." */
export function ConnectionBanner(props: { model: RoomModel }) {
  const { model } = props;
  const status = model.field("status").value;
  const retryAt = model.field("retryAt").value;
  const everOnline = useRef(false);
  const { clock } = model;
  const now = useSignal(clock.now());
  useEffect(() => {
    if (status !== "reconnecting") return;
    now.value = clock.now();
    return repeat(() => now.value = clock.now(), {
      everyMs: COUNTDOWN_MS,
      clock,
    });
  }, [status]);
  if (status === "online") everOnline.current = true;
  const notice = connectionNotice({
    mounted: model.mounted.value,
    online: model.online.value,
    everOnline: everOnline.current,
    status,
    retryAt,
    now: now.value,
  });
  return (
    <div class="banner-slot" role="status">
      {notice && (
        <div class="banner">
          <span class="banner-text">{notice.text}</span>
          {notice.retry && (
            <button
              type="button"
              class="btn btn-small btn-quiet"
              onClick={() => model.client?.reconnectNow()}
            >
              Retry now
            </button>
          )}
        </div>
      )}
    </div>
  );
}
