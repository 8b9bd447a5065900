import {
  type ConnectOptions,
  connectRedis,
  type RedisClient,
} from "./client.ts";
import { RedisKeys } from "./keys.ts";
import {
  type Fanout,
  LocalFanout,
  type RoomEvent,
  type RoomListener,
  roomsIn,
} from "../../chat/fanout.ts";
import { RoomChannels } from "../../chat/room_channels.ts";

/** Options of {@linkcode RedisFanout.open}. */
export interface RedisFanoutOptions {
  /** Where the subscriber connects: one Redis (`url`) or a cluster (`clusterNodes`). */
  connect: Pick<ConnectOptions, "url" | "clusterNodes">;
  /** Connection used to publish (shared with the store). */
  publisher: RedisClient;
  /** Channel prefix (default `chat:`). */
  prefix?: string;
  onError?(error: unknown): void;
}

/**
 * The event of a pub/sub message `<origin> <event JSON>`, or undefined when
 * this process (`origin`) sent it: every process hears its own events back,
 * and skips them without parsing. A message of an older server
 * (`[origin, event]`) is read too.
 */
export function foreignEvent(
  message: string,
  origin: string,
): RoomEvent | undefined {
  if (message.startsWith("[")) {
    const [from, event] = JSON.parse(message) as [string, RoomEvent];
    return from === origin ? undefined : event;
  }
  const space = message.indexOf(" ");
  if (message.slice(0, space) === origin) return undefined;
  return JSON.parse(message.slice(space + 1)) as RoomEvent;
}

interface Channel {
  ready: Promise<void>;
  handler: (message: string) => void;
}

/**
 * Redis pub/sub, one channel per room (sharded pub/sub in a cluster, so a
 * room's events stay on its shard): reaches every server process. Events are
 * delivered here at once and skipped when they come back from Redis.
 */
export class RedisFanout implements Fanout {
  #local = new LocalFanout();
  #origin = crypto.randomUUID();
  #publisher: RedisClient;
  #subscriber!: RedisClient;
  #keys: RedisKeys;
  #channels = new RoomChannels<Channel>({
    open: (room) => {
      const handler = (message: string) => {
        const event = foreignEvent(message, this.#origin);
        if (event) this.#local.deliver(room, event);
      };
      return {
        handler,
        ready: this.#subscriber.subscribe(this.#channel(room), handler),
      };
    },
    close: (channel, room) =>
      this.#subscriber.unsubscribe(this.#channel(room), channel.handler)
        .catch(this.#onError),
  });
  #onError: (error: unknown) => void;
  onResync?: (room: string) => void;

  private constructor(options: RedisFanoutOptions) {
    this.#publisher = options.publisher;
    this.#keys = new RedisKeys(options.prefix);
    this.#onError = options.onError ?? (() => {});
  }

  /** Connects the subscriber; after each reconnect every room is resynchronised from the store. */
  static async open(options: RedisFanoutOptions): Promise<RedisFanout> {
    const fanout = new RedisFanout(options);
    fanout.#subscriber = await connectRedis({
      ...options.connect,
      pubSubOnly: true,
      waitForConnection: false,
      onError: fanout.#onError,
      onReconnect: () => {
        for (const room of fanout.#channels.rooms()) fanout.onResync?.(room);
      },
    });
    return fanout;
  }

  #channel(room: string): string {
    return this.#keys.events(room);
  }

  retained(): number {
    return roomsIn(this.#channels);
  }

  publish(room: string, event: RoomEvent): void {
    this.#local.deliver(room, event);
    this.#publisher.publish(
      this.#channel(room),
      `${this.#origin} ${JSON.stringify(event)}`,
    ).catch(this.#onError);
  }

  subscribe(room: string, listener: RoomListener): Promise<() => void> {
    return this.#channels.subscribe(room, this.#local.listen(room, listener));
  }

  close(): void {
    this.#local.close();
    this.#channels.clear();
    this.#subscriber.close().catch(() => this.#subscriber.destroy());
  }
}
