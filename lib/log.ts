/** Structured logging: one JSON object per line. */
import { type Clock, systemClock } from "./clock.ts";

/** Severity of a log line. */
export type Level = "debug" | "info" | "warn" | "error";

/** Writes one log line. */
export type Logger = (
  level: Level,
  event: string,
  fields?: Record<string, unknown>,
) => void;

const RANK: Record<Level, number> = { debug: 0, info: 1, warn: 2, error: 3 };

const encoder = new TextEncoder();
let pending: string[] = [];
let scheduled = false;
let writing: Promise<void> = Promise.resolve();

async function writeAll(bytes: Uint8Array): Promise<void> {
  let written = 0;
  while (written < bytes.length) {
    written += await Deno.stdout.write(bytes.subarray(written));
  }
}

function writePending(): void {
  scheduled = false;
  if (pending.length === 0) return;
  const bytes = encoder.encode(pending.join("\n") + "\n");
  pending = [];
  writing = writing.then(() => writeAll(bytes)).catch(() => {});
}

/** Writes the buffered stdout lines and resolves once they are out (before exiting). */
export function flushLogs(): Promise<void> {
  writePending();
  return writing;
}

/**
 * A logger that writes JSON lines from `level` up: debug and info to stdout,
 * buffered and written asynchronously once per turn of the event loop (a
 * storm of connections would otherwise pay a blocking write each); warnings
 * and errors to stderr at once.
 */
export function jsonLogger(
  options: { quiet?: boolean; level?: Level } = {},
): Logger {
  const least = RANK[options.level ?? (options.quiet ? "warn" : "info")];
  return (level, event, fields) => {
    if (RANK[level] < least) return;
    const line = JSON.stringify({
      time: new Date().toISOString(),
      level,
      event,
      ...fields,
    });
    if (level === "error" || level === "warn") {
      console.error(line);
      return;
    }
    pending.push(line);
    if (!scheduled) {
      scheduled = true;
      setTimeout(writePending, 0);
    }
  };
}

/** The fields worth logging of a thrown value: its name and message, never a stack. */
export function errorFields(error: unknown): Record<string, string> {
  if (error instanceof Error) {
    return { error: error.name, reason: error.message };
  }
  return { error: String(error) };
}

/**
 * Logs an uncaught error or unhandled rejection as one JSON line (instead of
 * Deno's multi-line report), then exits with 1 as Deno would.
 */
export function logUncaught(log: Logger): void {
  const fatal = (event: Event, what: string, error: unknown) => {
    event.preventDefault();
    log("error", what, {
      ...errorFields(error),
      stack: error instanceof Error ? error.stack : undefined,
    });
    flushLogs().finally(() => Deno.exit(1));
  };
  globalThis.addEventListener(
    "error",
    (event) => fatal(event, "uncaught_error", event.error),
  );
  globalThis.addEventListener(
    "unhandledrejection",
    (event) => fatal(event, "unhandled_rejection", event.reason),
  );
}

/** Least time between two lines of one recurring failure (see {@linkcode throttledLogger}). */
export const REPEAT_LOG_INTERVAL_MS = 10_000;

/**
 * A logger that writes a line whose event and fields were already written
 * within `intervalMs` ({@linkcode REPEAT_LOG_INTERVAL_MS}) only once that
 * time has passed,
 * with `repeated`: how many it left out. A failure that recurs every second
 * (a full disk) then costs a line per interval, not a line per attempt.
 */
export function throttledLogger(
  log: Logger,
  options: { intervalMs?: number; clock?: Clock } = {},
): Logger {
  const interval = options.intervalMs ?? REPEAT_LOG_INTERVAL_MS;
  const clock = options.clock ?? systemClock;
  const last = new Map<string, { at: number; left: number }>();
  return (level, event, fields) => {
    const key = JSON.stringify([level, event, fields]);
    const now = clock.now();
    const seen = last.get(key);
    if (seen && now - seen.at < interval) {
      seen.left++;
      return;
    }
    if (last.size >= 100) last.clear();
    last.set(key, { at: now, left: 0 });
    log(level, event, seen?.left ? { ...fields, repeated: seen.left } : fields);
  };
}
