/**
 * The search figures of `deno task bench`: query latency over a room of
 * 100,000 stored messages (in-process, on the real store and search service;
 * every tenth query first brought up to date with 20 new messages and an
 * edit), and what keeping indexes up to date costs the send path of the real
 * server (the durable scenario, alone and while its rooms are searched).
 */
import { cpuUsage } from "node:process";
import { SearchService } from "../lib/search/search_service.ts";
import { KvStore } from "../lib/backends/kv/store.ts";
import { MemoryStore } from "../lib/backends/memory/store.ts";
import type { MessageStore } from "../lib/store/store.ts";

/** Options of {@linkcode measureSearch}. */
export interface SearchBenchOptions {
  /** Messages stored before the first query (100,000). */
  messages: number;
  /** Queries timed (300). */
  queries: number;
  /** Backends measured. */
  stores: ("memory" | "kv")[];
  log(line: string): void;
}

/** One backend's figures. */
export interface SearchBenchResult {
  store: string;
  messages: number;
  /** First query: the index built from the store. */
  buildMs: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  /** p95 of the CPU time each query took in this process (ms): what a busy machine's wall clock hides. */
  cpuP95Ms: number;
}

/** The send path of the real server with and without searches kept up to date. */
export interface SendCostResult {
  store: string;
  /** Acknowledged messages per second (the durable scenario, best of alternating rounds) with no search. */
  alone: number;
  /** The same while every room is searched in turn, one search every `intervalMs`. */
  searching: number;
  /** Server CPU per acknowledged message (µs), best round, with no search. */
  cpuUsAlone: number;
  /** The same while searching: the indexing and the searches included. */
  cpuUsSearching: number;
  intervalMs: number;
  searches: number;
  /**
   * What searching costs the send path, in % of its throughput when the
   * server is the limit: 1 − CPU per message alone / CPU per message while
   * searching (CPU time is measured per process, so a busy machine skews it
   * far less than wall-clock rates). ≤ 10 is the target.
   */
  costPercent: number;
}

/**
 * For `durable`'s `during`: searches the rooms being written, one every
 * `intervalMs`, over HTTP, so each search brings its room's index up to date
 * with what was sent since; returns the function that stops it and counts.
 */
export function searcher(
  server: { url: string; rooms: string[] },
  options: { intervalMs: number; count: { searches: number } },
): () => Promise<void> {
  let running = true;
  const base = server.url.replace(/^ws/, "http");
  const loop = (async () => {
    for (let i = 0; running; i++) {
      const room = server.rooms[i % server.rooms.length];
      const res = await fetch(
        `${base}/api/rooms/${room}/search?q=step&limit=20`,
      );
      await res.body?.cancel();
      options.count.searches++;
      await new Promise((r) => setTimeout(r, options.intervalMs));
    }
  })();
  return async () => {
    running = false;
    await loop;
  };
}

const WORDS = [
  "café",
  "déjà",
  "naïve",
  "Zürich",
  "über",
  "résumé",
  "crème",
  "piñata",
  "smörgåsbord",
  "façade",
];

/** The `p`-th percentile of `values` (nearest rank). */
function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(sorted.length * p / 100) - 1)] ?? 0;
}

/** A deterministic generator, so every run searches the same text. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** A vocabulary of 5,000 words, a few with accents; picked with a skew so some words are common. */
function vocabulary(next: () => number): (count: number) => string {
  const words = Array.from(
    { length: 5000 },
    (_, i) => i < WORDS.length ? WORDS[i] : `w${(i * 7919).toString(36)}`,
  );
  return (count) =>
    Array.from(
      { length: count },
      () => words[Math.floor(words.length * next() ** 3)],
    ).join(" ");
}

async function open(kind: "memory" | "kv"): Promise<MessageStore> {
  const retention = { maxMessagesPerRoom: 1_000_000 };
  return kind === "memory"
    ? new MemoryStore(retention)
    : await KvStore.open({ ...retention, path: ":memory:" });
}

async function fill(
  store: MessageStore,
  options: { room: string; count: number; text: (n: number) => string },
): Promise<void> {
  const batch = 500;
  for (let i = 0; i < options.count; i += batch) {
    await Promise.all(
      Array.from(
        { length: Math.min(batch, options.count - i) },
        () =>
          store.append(options.room, {
            username: "bench",
            text: options.text(8 + Math.floor(Math.random() * 12)),
            ts: Date.now(),
          }),
      ),
    );
  }
}

async function measureOne(
  kind: "memory" | "kv",
  options: SearchBenchOptions,
): Promise<SearchBenchResult> {
  const next = random(42);
  const text = vocabulary(next);
  const store = await open(kind);
  try {
    options.log(`search (${kind}): storing ${options.messages} messages`);
    await fill(store, { room: "big", count: options.messages, text });
    const search = new SearchService(store);
    let started = performance.now();
    await search.search("big", { query: "cafe", limit: 20 });
    const buildMs = performance.now() - started;
    const times: number[] = [];
    const cpu: number[] = [];
    for (let i = 0; i < options.queries; i++) {
      if (i % 10 === 0) {
        await fill(store, { room: "big", count: 20, text });
        const [last] = await store.before("big", { limit: 1 });
        await store.change("big", {
          kind: "edit",
          target: last.id,
          text: text(6),
          username: "bench",
          ts: Date.now(),
        });
      }
      const query = text(1 + Math.floor(next() * 3));
      started = performance.now();
      const before = cpuUsage();
      await search.search("big", { query, limit: 20 });
      const spent = cpuUsage(before);
      times.push(performance.now() - started);
      cpu.push((spent.user + spent.system) / 1000);
    }
    return {
      store: kind,
      messages: options.messages,
      buildMs,
      p50Ms: percentile(times, 50),
      p95Ms: percentile(times, 95),
      maxMs: Math.max(...times),
      cpuP95Ms: percentile(cpu, 95),
    };
  } finally {
    await store.close();
  }
}

/** Runs the search figures on each backend in `options.stores`. */
export async function measureSearch(
  options: SearchBenchOptions,
): Promise<SearchBenchResult[]> {
  const results = [];
  for (const kind of options.stores) {
    results.push(await measureOne(kind, options));
  }
  return results;
}

/** The lines `deno task bench` prints. */
export function formatSearch(
  results: { latency: SearchBenchResult[]; cost: SendCostResult[] },
): string {
  const lines = results.latency.map((r) =>
    `search (${r.store}, ${r.messages.toLocaleString("en")} messages): ` +
    `p50 ${r.p50Ms.toFixed(1)} ms, p95 ${r.p95Ms.toFixed(1)} ms ` +
    `(target ≤ 50: ${r.p95Ms <= 50 ? "met" : "NOT met"}), max ${
      r.maxMs.toFixed(1)
    } ms, CPU p95 ${r.cpuP95Ms.toFixed(1)} ms, first query (index built) ${
      Math.round(r.buildMs)
    } ms`
  );
  for (const r of results.cost) {
    lines.push(
      `send path (${r.store}, durable scenario): server CPU ` +
        `${r.cpuUsAlone.toFixed(0)} µs per acked message alone, ` +
        `${r.cpuUsSearching.toFixed(0)} µs with a search every ` +
        `${r.intervalMs} ms (${r.searches} searches; ${r.alone} / ` +
        `${r.searching} acked msg/s): cost ${r.costPercent.toFixed(1)} % ` +
        `(target ≤ 10: ${r.costPercent <= 10 ? "met" : "NOT met"})`,
    );
  }
  return lines.join("\n");
}
