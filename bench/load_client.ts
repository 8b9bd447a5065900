/**
 * A load client process: opens WebSockets, sends timestamped bench messages
 * and counts what arrives. The bench drives it with one JSON command a line
 * on stdin and reads one JSON answer a line on stdout (bench/client_protocol.ts).
 *
 * A bench message's text is `~step_sender_seq_sentAt~`; deliveries are found
 * by scanning frames for it, so batch frames need no JSON parsing.
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
import { Histogram } from "./stats.ts";

const MARK = '"text":"~';
const WELCOME = '{"type":"welcome"';
const ERROR = '{"type":"error"';
const JOIN_TIMEOUT_MS = 60_000;

interface Conn {
  socket: WebSocket;
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

function onBenchFrame(conn: Conn, data: string): void {
  let at = data.indexOf(MARK);
  if (at === -1) {
    if (data.startsWith(ERROR)) {
      const step = counts(currentStep);
      step.errors++;
      step.firstError ??= data.slice(0, 200);
    }
    return;
  }
  const arrived = now();
  while (at !== -1) {
    const start = at + MARK.length;
    const end = data.indexOf("~", start);
    const parts = data.slice(start, end).split("_");
    const step = Number(parts[0]);
    const sender = Number(parts[1]);
    const seq = Number(parts[2]);
    const latency = arrived - Number(parts[3]);
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
    at = data.indexOf(MARK, end);
  }
}

function connectOne(
  url: string,
  spec: SocketSpec,
  batch: boolean,
): Promise<Conn> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(
      `${url}/api/rooms/${encodeURIComponent(spec.room)}/ws`,
    );
    const conn: Conn = {
      socket,
      spec,
      sender: -1,
      seqStep: -1,
      last: new Map(),
      seq: 0,
      closedByUs: false,
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
    socket.onopen = () => {
      socket.send(JSON.stringify({
        type: "join",
        username: spec.username,
        ...(batch ? { batch: true } : {}),
      }));
    };
    socket.onerror = () => fail("socket error");
    socket.onmessage = (event) => {
      const data = event.data as string;
      if (welcomed) return onBenchFrame(conn, data);
      if (data.startsWith(WELCOME)) {
        welcomed = true;
        clearTimeout(timer);
        socket.onerror = () => {};
        resolve(conn);
      } else if (data.startsWith(ERROR)) fail(data.slice(0, 200));
    };
    socket.onclose = (event) => {
      if (!welcomed) return fail(`closed ${event.code}`);
      if (conn.closedByUs) return;
      const step = counts(currentStep);
      step.closed++;
      step.firstError ??= `closed by server: ${event.code} ${event.reason}`;
    };
  });
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
        opened[index] = await connectOne(
          command.url,
          specs[index],
          command.batch,
        );
        result.opened++;
        result.lastWelcomeAt = now();
      } catch (error) {
        result.failed++;
        result.firstError ??= String(error);
      }
    }
  }
  const workers = Math.max(1, Math.min(command.concurrency, specs.length));
  await Promise.all(Array.from({ length: workers }, worker));
  conns = opened.filter((conn) => conn !== undefined);
  return result;
}

function sendOne(conn: Conn, step: StepCounts, stepNumber: number): void {
  if (conn.socket.readyState !== WebSocket.OPEN) return;
  const text = `~${stepNumber}_${conn.sender}_${++conn.seq}_${
    now().toFixed(3)
  }~`;
  conn.socket.send(`{"type":"message","text":"${text}"}`);
  step.sent++;
  step.expected += conn.spec.roomSize;
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
        if (now() < end) sendOne(conn, step, command.step);
      };
      for (let i = 0; i < window; i++) sendOne(conn, step, command.step);
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
            sendOne(senders[i], step, command.step);
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
    latency: c.latency.toJSON(),
    ack: c.ack.toJSON(),
    ...(c.firstError ? { firstError: c.firstError } : {}),
  };
}

async function closeAll(): Promise<void> {
  const closing = conns.map((conn) =>
    new Promise<void>((resolve) => {
      conn.closedByUs = true;
      if (conn.socket.readyState === WebSocket.CLOSED) return resolve();
      conn.socket.addEventListener("close", () => resolve());
      conn.socket.close();
    })
  );
  await Promise.race([
    Promise.all(closing),
    new Promise((resolve) => setTimeout(resolve, 3000)),
  ]);
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
