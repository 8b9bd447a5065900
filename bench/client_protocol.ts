/** Commands the bench sends a load client on stdin, and its answers on stdout (one JSON object a line). */

import type { HistogramData } from "./stats.ts";

/** One socket a load client opens and joins. */
export interface SocketSpec {
  room: string;
  username: string;
  /** Connections in the room, the sender's included: how many deliveries one message makes. */
  roomSize: number;
}

/** Opens sockets and joins each to its room. */
export interface OpenCommand {
  op: "open";
  /** `ws://host:port` */
  url: string;
  sockets: SocketSpec[];
  /** Join with `"batch": true`. */
  batch: boolean;
  /** `raw` (bench/raw_socket.ts, cheap per frame) or Deno's `standard` WebSocket. */
  client: "raw" | "standard";
  /** Most sockets opening at once. */
  concurrency: number;
  /** Epoch ms at which to start (a join storm); now when absent. */
  startAt?: number;
}

/** Sends bench messages from the first `senders` sockets. */
export interface SendCommand {
  op: "send";
  /** Tags the messages so deliveries of another step are not counted. */
  step: number;
  /** Global number of this client's first sender; numbers sockets across clients. */
  senderBase: number;
  senders: number;
  /** Messages per second from each sender (open loop); ignored with `window`. */
  rate: number;
  /** Closed loop: each sender keeps this many messages unacknowledged. */
  window?: number;
  durationMs: number;
  /** Epoch ms at which every client starts sending. */
  startAt: number;
  /** Members that joined, for rooms where some never did; a message to any other room is expected `roomSize` times. */
  roomSizes?: Record<string, number>;
}

/** Asks for the counts of one step. */
export interface StatsCommand {
  op: "stats";
  step: number;
}

/** Closes every socket; the client exits after answering. */
export interface CloseCommand {
  op: "close";
}

/** Anything the bench may send, with the id its answer carries. */
export type ClientCommand =
  & { id: number }
  & (OpenCommand | SendCommand | StatsCommand | CloseCommand);

/** Answer to {@linkcode OpenCommand}. */
export interface OpenResult {
  opened: number;
  failed: number;
  /** Epoch ms of the last welcome (0 when none). */
  lastWelcomeAt: number;
  firstError?: string;
  /** Sockets that never joined, by room (absent when all joined). */
  failedRooms?: Record<string, number>;
}

/** Answer to {@linkcode SendCommand}, once sending is over. */
export interface SendResult {
  sent: number;
  /** Deliveries the messages sent should make: each one times its room's size. */
  expected: number;
}

/** Answer to {@linkcode StatsCommand}. */
export interface StepStats {
  sent: number;
  expected: number;
  /** Bench messages received, echoes to the sender included. */
  received: number;
  /** Own messages received back. */
  acked: number;
  duplicates: number;
  /** Sequence numbers skipped when a message arrived (reordering or loss). */
  gaps: number;
  errors: number;
  /** Sockets closed by the other side. */
  closed: number;
  /** Sockets of this client open now (whatever the step). */
  open: number;
  /** Bytes of the text frames received (welcomes and presence included). */
  bytesIn: number;
  latency: HistogramData;
  /** Latency of each sender's own messages (sent to echoed back). */
  ack: HistogramData;
  firstError?: string;
}
