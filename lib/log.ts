/** Structured logging: one JSON object per line. */

/** Severity of a log line. */
export type Level = "debug" | "info" | "warn" | "error";

/** Writes one log line. */
export type Logger = (
  level: Level,
  event: string,
  fields?: Record<string, unknown>,
) => void;

const RANK: Record<Level, number> = { debug: 0, info: 1, warn: 2, error: 3 };

/** A logger that writes JSON lines to stdout (warnings and errors to stderr), from `level` up. */
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
    if (level === "error" || level === "warn") console.error(line);
    else console.log(line);
  };
}

/** The fields worth logging of a thrown value: its name and message, never a stack. */
export function errorFields(error: unknown): Record<string, string> {
  if (error instanceof Error) {
    return { error: error.name, reason: error.message };
  }
  return { error: String(error) };
}
