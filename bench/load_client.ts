/**
 * A load client process: opens WebSockets, sends timestamped bench messages
 * and counts what arrives. The bench drives it with one JSON command a line
 * on stdin and reads one JSON answer a line on stdout (bench/client_protocol.ts).
 *
 * A bench message's text is `~step_sender_seq_sentAt~`; deliveries are found
 * by scanning frames for it, so batch frames need no JSON parsing. Sockets
 * are {@linkcode RawSocket}s unless the bench asks for Deno's `WebSocket`.
 */
import type {
  ClientCommand,
  OpenCommand,
  OpenResult,
  SendCommand,
  SendResult,
  SocketSpec,
  StepStats,
} from "./client_protocol.ts";
import { RawSocket } from "./raw_socket.ts";
import { Histogram } from "./stats.ts";

const MARK = '"text":"~';
const WELCOME = '{"type":"welcome"';
const ERROR = '{"type":"error"';
const JOIN_TIMEOUT_MS = 60_000;
const TILDE = 0x7e;
const UNDERSCORE = 0x5f;
const DOT = 0x2e;
const ZERO = 0x30;
const LETTER_E = 0x65;
const decoder = new TextDecoder();

interface Link {
  send(text: string): void;
  close(): void;
  readonly open: boolean;
}

interface Conn {
  link: Link;
  spec: SocketSpec;
  sender: number;
  seqStep: number;
  last: Map<number, number>;
  seq: number;
  closedByUs: boolean;
  onAck?: () => void;
}

class StepCounts {
  sent = 0;
  expected = 0;
  received = 0;
  acked = 0;
  duplicates = 0;
  gaps = 0;
  errors = 0;
  closed = 0;
  bytesIn = 0;
  latency = new Histogram();
  ack = new Histogram();
  firstError: string | undefined;
}

const steps = new Map<number, StepCounts>();
let conns: Conn[] = [];
let currentStep = 0;

function now(): number {
  return performance.timeOrigin + performance.now();
}

function counts(step: number): StepCounts {
  let entry = steps.get(step);
  if (!entry) steps.set(step, entry = new StepCounts());
  return entry;
}

function sleepUntil(epochMs: number): Promise<void> {
  const wait = epochMs - Date.now();
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, wait)));
}

function reply(id: number, body: object): void {
  console.log(JSON.stringify({ id, ...body }));
}

function noteError(text: string): void {
  const step = counts(currentStep);
  step.errors++;
  step.firstError ??= text.slice(0, 200);
}

function record(
  conn: Conn,
  delivery: { step: number; sender: number; seq: number; latency: number },
): void {
  const { step, sender, seq, latency } = delivery;
  const c = counts(step);
  c.received++;
  c.latency.record(latency);
  if (conn.seqStep !== step) {
    conn.seqStep = step;
    conn.last.clear();
  }
  const last = conn.last.get(sender) ?? 0;
  if (seq <= last) c.duplicates++;
  else {
    if (seq > last + 1) c.gaps += seq - last - 1;
    conn.last.set(sender, seq);
  }
  if (sender === conn.sender) {
    c.acked++;
    c.ack.record(latency);
    conn.onAck?.();
  }
}

function scanText(conn: Conn, data: string): void {
  let at = data.indexOf(MARK);
  if (at === -1) {
    if (data.startsWith(ERROR)) noteError(data);
    return;
  }
  const arrived = now();
  while (at !== -1) {
    const start = at + MARK.length;
    const end = data.indexOf("~", start);
    const parts = data.slice(start, end).split("_");
    record(conn, {
      step: Number(parts[0]),
      sender: Number(parts[1]),
      seq: Number(parts[2]),
      latency: arrived - Number(parts[3]),
    });
    at = data.indexOf(MARK, end);
  }
}

function scanBytes(conn: Conn, frame: Uint8Array): void {
  let at = frame.indexOf(TILDE);
  if (at === -1) {
    if (frame[9] === LETTER_E) noteError(decoder.decode(frame));
    return;
  }
  const arrived = now();
  while (at !== -1) {
    let i = at + 1;
    let step = 0, sender = 0, seq = 0, sentAt = 0;
    while (frame[i] !== UNDERSCORE) step = step * 10 + frame[i++] - ZERO;
    i++;
    while (frame[i] !== UNDERSCORE) sender = sender * 10 + frame[i++] - ZERO;
    i++;
    while (frame[i] !== UNDERSCORE) seq = seq * 10 + frame[i++] - ZERO;
    i++;
    while (frame[i] !== DOT && frame[i] !== TILDE) {
      sentAt = sentAt * 10 + frame[i++] - ZERO;
    }
    if (frame[i] === DOT) {
      i++;
      for (let scale = 0.1; frame[i] !== TILDE; scale /= 10) {
        sentAt += (frame[i++] - ZERO) * scale;
      }
    }
    record(conn, { step, sender, seq, latency: arrived - sentAt });
    at = frame.indexOf(TILDE, i + 1);
  }
}

function joinFrame(spec: SocketSpec, batch: boolean): string {
  return JSON.stringify({
    type: "join",
    username: spec.username,
    presence: "coalesced",
    ...(batch ? { batch: true } : {}),
  });
}

function newConn(spec: SocketSpec): Omit<Conn, "link"> {
  return {
    spec,
    sender: -1,
    seqStep: -1,
    last: new Map(),
    seq: 0,
    closedByUs: false,
  };
}

function onServerClose(conn: Conn, code: number | undefined): void {
  if (conn.closedByUs) return;
  const step = counts(currentStep);
  step.closed++;
  step.firstError ??= `closed by server: ${code}`;
}

/** Opens a socket with Deno's own `WebSocket`. */
function connectStandard(
  url: string,
  options: { spec: SocketSpec; batch: boolean },
): Promise<Conn> {
  const { spec, batch } = options;
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(
      `${url}/api/rooms/${encodeURIComponent(spec.room)}/ws`,
    );
    const conn: Conn = {
      ...newConn(spec),
      link: {
        send: (text) => socket.send(text),
        close: () => socket.close(),
        get open() {
          return socket.readyState === WebSocket.OPEN;
        },
      },
    };
    let welcomed = false;
    const timer = setTimeout(() => fail("no welcome in time"), JOIN_TIMEOUT_MS);
    function fail(reason: string): void {
      if (welcomed) return;
      welcomed = true;
      clearTimeout(timer);
      try {
        socket.close();
      } catch {
        // not open yet
      }
      reject(new Error(`${spec.room}/${spec.username}: ${reason}`));
    }
    socket.onopen = () => socket.send(joinFrame(spec, batch));
    socket.onerror = () => fail("socket error");
    socket.onmessage = (event) => {
      const data = event.data as string;
      counts(currentStep).bytesIn += data.length;
      if (welcomed) return scanText(conn, data);
      if (data.startsWith(WELCOME)) {
        welcomed = true;
        clearTimeout(timer);
        socket.onerror = () => {};
        resolve(conn);
      } else if (data.startsWith(ERROR)) fail(data.slice(0, 200));
    };
    socket.onclose = (event) => {
      if (!welcomed) return fail(`closed ${event.code}`);
      onServerClose(conn, event.code);
    };
  });
}

/** Opens a socket with {@linkcode RawSocket}. */
async function connectRaw(
  url: string,
  options: { spec: SocketSpec; batch: boolean },
): Promise<Conn> {
  const { spec, batch } = options;
  let welcomed = false;
  let settle: { resolve(): void; reject(error: Error): void } | undefined;
  const welcome = new Promise<void>((resolve, reject) => {
    settle = { resolve, reject };
  });
  const conn = newConn(spec) as Conn;
  const socket = await RawSocket.connect(
    `${url}/api/rooms/${encodeURIComponent(spec.room)}/ws`,
    {
      frame(bytes, start, end) {
        counts(currentStep).bytesIn += end - start;
        if (welcomed) return scanBytes(conn, bytes.subarray(start, end));
        const head = decoder.decode(bytes.subarray(start, start + 20));
        if (head.startsWith(WELCOME)) {
          welcomed = true;
          settle?.resolve();
        } else if (head.startsWith(ERROR)) {
          settle?.reject(new Error(decoder.decode(bytes.subarray(start, end))));
        }
      },
      close(code) {
        if (!welcomed) settle?.reject(new Error(`closed ${code}`));
        else onServerClose(conn, code);
      },
    },
  );
  conn.link = socket;
  socket.send(joinFrame(spec, batch));
  const timer = setTimeout(
    () => settle?.reject(new Error("no welcome in time")),
    JOIN_TIMEOUT_MS,
  );
  try {
    await welcome;
  } catch (error) {
    socket.close();
    throw new Error(`${spec.room}/${spec.username}: ${error}`);
  } finally {
    clearTimeout(timer);
  }
  return conn;
}

async function open(command: OpenCommand): Promise<OpenResult> {
  if (command.startAt !== undefined) await sleepUntil(command.startAt);
  const result: OpenResult = { opened: 0, failed: 0, lastWelcomeAt: 0 };
  const specs = command.sockets;
  const opened: Conn[] = new Array(specs.length);
  let next = 0;
  async function worker(): Promise<void> {
    while (next < specs.length) {
      const index = next++;
      try {
        const connect = command.client === "standard"
          ? connectStandard
          : connectRaw;
        opened[index] = await connect(command.url, {
          spec: specs[index],
          batch: command.batch,
        });
        result.opened++;
        result.lastWelcomeAt = now();
      } catch (error) {
        result.failed++;
        result.firstError ??= String(error);
        const room = specs[index].room;
        result.failedRooms ??= {};
        result.failedRooms[room] = (result.failedRooms[room] ?? 0) + 1;
      }
    }
  }
  const workers = Math.max(1, Math.min(command.concurrency, specs.length));
  await Promise.all(Array.from({ length: workers }, worker));
  conns = opened.filter((conn) => conn !== undefined);
  return result;
}

function sendOne(
  conn: Conn,
  step: StepCounts,
  command: { step: number; roomSizes?: Record<string, number> },
): void {
  const stepNumber = command.step;
  if (!conn.link.open) return;
  const text = `~${stepNumber}_${conn.sender}_${++conn.seq}_${
    now().toFixed(3)
  }~`;
  conn.link.send(`{"type":"message","text":"${text}"}`);
  step.sent++;
  step.expected += command.roomSizes?.[conn.spec.room] ?? conn.spec.roomSize;
}

async function send(command: SendCommand): Promise<SendResult> {
  currentStep = command.step;
  const step = counts(command.step);
  const senders = conns.slice(0, command.senders);
  senders.forEach((conn, i) => {
    conn.sender = command.senderBase + i;
    conn.seq = 0;
  });
  await sleepUntil(command.startAt);
  const start = now();
  const end = start + command.durationMs;
  if (command.window !== undefined) {
    const window = command.window;
    for (const conn of senders) {
      conn.onAck = () => {
        if (now() < end) sendOne(conn, step, command);
      };
      for (let i = 0; i < window; i++) sendOne(conn, step, command);
    }
    await sleepUntil(end);
    for (const conn of senders) conn.onAck = undefined;
  } else {
    const rate = command.rate;
    const total = Math.max(1, Math.round(command.durationMs * rate / 1000));
    const phases = senders.map(() => Math.random() * 1000 / rate);
    const sent = senders.map(() => 0);
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        const elapsed = now() - start;
        let done = true;
        for (let i = 0; i < senders.length; i++) {
          const due = Math.min(
            total,
            Math.floor((elapsed - phases[i]) * rate / 1000) + 1,
          );
          while (sent[i] < due) {
            sendOne(senders[i], step, command);
            sent[i]++;
          }
          if (sent[i] < total) done = false;
        }
        if (done) {
          clearInterval(timer);
          resolve();
        }
      }, rate >= 50 ? 2 : 10);
    });
  }
  return { sent: step.sent, expected: step.expected };
}

function stats(stepNumber: number): StepStats {
  const c = counts(stepNumber);
  return {
    sent: c.sent,
    expected: c.expected,
    received: c.received,
    acked: c.acked,
    duplicates: c.duplicates,
    gaps: c.gaps,
    errors: c.errors,
    closed: c.closed,
    open: conns.filter((conn) => conn.link.open).length,
    bytesIn: c.bytesIn,
    latency: c.latency.toJSON(),
    ack: c.ack.toJSON(),
    ...(c.firstError ? { firstError: c.firstError } : {}),
  };
}

async function closeAll(): Promise<void> {
  for (const conn of conns) {
    conn.closedByUs = true;
    conn.link.close();
  }
  const deadline = Date.now() + 3000;
  while (conns.some((conn) => conn.link.open) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function handle(command: ClientCommand): Promise<void> {
  try {
    switch (command.op) {
      case "open":
        return reply(command.id, await open(command));
      case "send":
        return reply(command.id, await send(command));
      case "stats":
        return reply(command.id, stats(command.step));
      case "close":
        await closeAll();
        reply(command.id, {});
        Deno.exit(0);
    }
  } catch (error) {
    reply(command.id, { error: String(error) });
  }
}

async function main(): Promise<void> {
  const decoder = new TextDecoder();
  let rest = "";
  for await (const chunk of Deno.stdin.readable) {
    const lines = (rest + decoder.decode(chunk, { stream: true })).split("\n");
    rest = lines.pop() ?? "";
    for (const line of lines) {
      if (line.trim()) handle(JSON.parse(line));
    }
  }
  await closeAll();
  Deno.exit(0);
}

if (import.meta.main) await main();
