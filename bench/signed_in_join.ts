/**
 * Issue 13, item 9: what a signed-in join costs next to a guest join.
 * `deno run -A bench/signed_in_join.ts [--joins=N] [--concurrency=C] [--store=memory|kv]`
 * starts the project server, signs up accounts, then times rounds of joins
 * (connect, `join`, `welcome`, close) as guests and as signed-in accounts,
 * interleaved so both see the same machine. A signed-in join adds the session
 * lookup at the upgrade (one store read, SHA-256 of the cookie); a guest join
 * reads whether an account owns the name. The target: signed-in ≤ 1.2× guest.
 */
import { parseArgs } from "node:util";
import { placement } from "./process.ts";
import { startServer } from "./servers.ts";

/** Result of one kind of join. */
export interface JoinTiming {
  joins: number;
  /** Joins per second with `concurrency` at once. */
  perSecond: number;
  p50Ms: number;
  p90Ms: number;
}

/** Both kinds and their ratio (signed-in ÷ guest, by join time at p50 and by throughput). */
export interface SignedInJoinResult {
  guest: JoinTiming;
  account: JoinTiming;
  p50Ratio: number;
  throughputRatio: number;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
}

function joinOnce(
  wsUrl: string,
  options: { room: string; frame: Record<string, unknown>; cookie?: string },
): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const socket = options.cookie
      ? new WebSocket(
        `${wsUrl}/api/rooms/${options.room}/ws`,
        { headers: { cookie: options.cookie } } as unknown as string[],
      )
      : new WebSocket(`${wsUrl}/api/rooms/${options.room}/ws`);
    socket.onopen = () =>
      socket.send(JSON.stringify({ type: "join", ...options.frame }));
    socket.onmessage = (event) => {
      const frame = JSON.parse(event.data);
      if (frame.type === "welcome") {
        resolve(performance.now() - started);
        socket.close();
      } else if (frame.type === "error") {
        reject(new Error(`join refused: ${event.data}`));
        socket.close();
      }
    };
    socket.onerror = () => reject(new Error("socket failed"));
  });
}

async function round(
  wsUrl: string,
  options: {
    joins: number;
    concurrency: number;
    make: (
      i: number,
    ) => { room: string; frame: Record<string, unknown>; cookie?: string };
  },
): Promise<{ times: number[]; seconds: number }> {
  const times: number[] = [];
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < options.joins) {
      const i = next++;
      times.push(await joinOnce(wsUrl, options.make(i)));
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  return { times, seconds: (performance.now() - started) / 1000 };
}

function timing(rounds: { times: number[]; seconds: number }[]): JoinTiming {
  const times = rounds.flatMap((r) => r.times).sort((a, b) => a - b);
  const seconds = rounds.reduce((sum, r) => sum + r.seconds, 0);
  return {
    joins: times.length,
    perSecond: Math.round(times.length / seconds),
    p50Ms: Number(percentile(times, 0.5).toFixed(2)),
    p90Ms: Number(percentile(times, 0.9).toFixed(2)),
  };
}

/** Runs the comparison against a fresh server. */
export async function signedInJoin(
  options: {
    joins: number;
    concurrency: number;
    store: "memory" | "kv";
    rounds?: number;
  },
): Promise<SignedInJoinResult> {
  const server = await startServer(options.store, {
    placement: placement({ pin: true, nofile: 8192 }),
  });
  try {
    const http = server.url.replace(/^ws/, "http");
    const cookies: string[] = [];
    for (let i = 0; i < options.concurrency; i++) {
      const res = await fetch(`${http}/api/auth/signup`, {
        method: "POST",
        headers: { origin: http, "content-type": "application/json" },
        body: JSON.stringify({
          username: `bench user ${i}`,
          password: "bench password",
        }),
      });
      await res.body?.cancel();
      const cookie = res.headers.getSetCookie()[0]?.split(";")[0];
      if (res.status !== 201 || !cookie) {
        throw new Error(`sign-up: ${res.status}`);
      }
      cookies.push(cookie);
    }
    const guest: { times: number[]; seconds: number }[] = [];
    const account: { times: number[]; seconds: number }[] = [];
    const rounds = options.rounds ?? 4;
    const per = Math.ceil(options.joins / rounds);
    await round(server.url, {
      joins: Math.min(per, 100),
      concurrency: options.concurrency,
      make: (i) => ({ room: `warm-${i}`, frame: { username: `warm ${i}` } }),
    });
    for (let r = 0; r < rounds; r++) {
      guest.push(
        await round(server.url, {
          joins: per,
          concurrency: options.concurrency,
          make: (i) => ({
            room: `g${r}-${i}`,
            frame: { username: `guest ${i}` },
          }),
        }),
      );
      account.push(
        await round(server.url, {
          joins: per,
          concurrency: options.concurrency,
          make: (i) => ({
            room: `a${r}-${i}`,
            frame: {},
            cookie: cookies[i % cookies.length],
          }),
        }),
      );
    }
    const g = timing(guest);
    const a = timing(account);
    return {
      guest: g,
      account: a,
      p50Ratio: Number((a.p50Ms / g.p50Ms).toFixed(2)),
      throughputRatio: Number((g.perSecond / a.perSecond).toFixed(2)),
    };
  } finally {
    await server.stop();
  }
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      joins: { type: "string", default: "2000" },
      concurrency: { type: "string", default: "20" },
      store: { type: "string", default: "memory" },
    },
  });
  const result = await signedInJoin({
    joins: Number(values.joins),
    concurrency: Number(values.concurrency),
    store: values.store === "kv" ? "kv" : "memory",
  });
  console.log(JSON.stringify(result, null, 2));
  console.log(
    `signed-in join / guest join: p50 ${result.p50Ratio}×, time per join ${result.throughputRatio}× (target ≤ 1.2)`,
  );
}
