import { useSignal } from "@preact/signals";
import { useEffect, useRef } from "preact/hooks";
import type { RoomModel } from "./room_model.ts";

/** "Connection lost. Retrying in 3 s…" above the messages (never over them), or "You are offline." */
export function ConnectionBanner(props: { model: RoomModel }) {
  const { model } = props;
  const status = model.field("status").value;
  const retryAt = model.field("retryAt").value;
  const everOnline = useRef(false);
  const now = useSignal(Date.now());
  useEffect(() => {
    if (status !== "reconnecting") return;
    now.value = Date.now();
    const tick = setInterval(() => now.value = Date.now(), 1000);
    return () => clearInterval(tick);
  }, [status]);
  if (status === "online") everOnline.current = true;
  const mounted = model.mounted.value;
  const offline = mounted && !model.online.value;
  const reconnecting = mounted && everOnline.current &&
    (status === "reconnecting" || status === "connecting");
  const secondsLeft = retryAt === null
    ? 0
    : Math.max(0, Math.ceil((retryAt - now.value) / 1000));
  return (
    <div class="banner-slot" role="status">
      {(reconnecting || offline) && (
        <div class="banner">
          <span class="banner-text">
            {offline
              ? "You are offline."
              : secondsLeft > 0
              ? `Connection lost. Retrying in ${secondsLeft} s…`
              : "Connection lost. Reconnecting…"}
          </span>
          {!offline && (
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
