import { KvStore } from "./store.ts";
import {
  type Fanout,
  LocalFanout,
  type RoomEvent,
  type RoomListener,
  roomsIn,
} from "../../chat/fanout.ts";
import { RoomChannels } from "../../chat/room_channels.ts";

interface Watch {
  /** Settles once the first read is in, when events flow. */
  ready: Promise<void>;
  stop: () => void;
}

/**
 * Fan-out through Deno KV itself, for hosts where a `BroadcastChannel` may
 * not reach every instance: each isolate watches the room's sequence key
 * (and reads new messages from the store when it moves) and an event key
 * for presence and typing. Watches coalesce, so a burst of typing or
 * presence events may arrive as its last one; messages and their changes
 * are never lost, since they are read from the store.
 */
export class KvFanout implements Fanout {
  #local = new LocalFanout();
  #kv: Deno.Kv;
  #origin = crypto.randomUUID();
  #watches = new RoomChannels<Watch>({
    open: (room) => {
      const stream = this.#kv.watch<[bigint, [string, RoomEvent]]>([
        KvStore.seqKey(room),
        ["event", room],
      ]);
      const reader = stream.getReader();
      const ready = reader.read().then((initial) => {
        this.#follow(room, {
          reader,
          seen: (initial.value ?? []).map((e) => e.versionstamp ?? ""),
        });
      });
      return { ready, stop: () => reader.cancel().catch(() => {}) };
    },
    close: (watch) => watch.stop(),
  });
  #onError: (error: unknown) => void;
  onResync?: (room: string) => void;

  /** Watches `kv`, the database of the kv store. */
  constructor(kv: Deno.Kv, options: { onError?(error: unknown): void } = {}) {
    this.#kv = kv;
    this.#onError = options.onError ?? (() => {});
  }

  retained(): number {
    return roomsIn(this.#watches);
  }

  publish(room: string, event: RoomEvent): void {
    this.#local.deliver(room, event);
    if ("id" in event) return;
    this.#kv.set(["event", room], [this.#origin, event]).catch(this.#onError);
  }

  subscribe(room: string, listener: RoomListener): Promise<() => void> {
    return this.#watches.subscribe(room, this.#local.listen(room, listener));
  }

  async #follow(
    room: string,
    options: {
      reader: ReadableStreamDefaultReader<
        [Deno.KvEntryMaybe<bigint>, Deno.KvEntryMaybe<[string, RoomEvent]>]
      >;
      seen: string[];
    },
  ): Promise<void> {
    const { reader } = options;
    let seen = options.seen;
    try {
      while (true) {
        const { done, value } = await reader.read();
        if (done) return;
        const [seq, event] = value;
        if (seq.versionstamp !== seen[0]) this.onResync?.(room);
        if (
          event.versionstamp !== seen[1] && event.value &&
          event.value[0] !== this.#origin
        ) {
          this.#local.deliver(room, event.value[1]);
        }
        seen = [seq.versionstamp ?? "", event.versionstamp ?? ""];
      }
    } catch (error) {
      this.#onError(error);
    }
  }

  close(): void {
    this.#watches.closeAll();
    this.#local.close();
  }
}
