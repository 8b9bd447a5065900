/** Structured logging: one JSON object per line. */

/** Severity of a log line. */
export type Level = "debug" | "info" | "warn" | "error";

/** Writes one log line. */
export type Logger = (
  level: Level,
  event: string,
  fields?: Record<string, unknown>,
) => void;

/** A logger that writes JSON lines to stdout (errors to stderr). */
export function jsonLogger(options: { quiet?: boolean } = {}): Logger {
  return (level, event, fields) => {
    if (options.quiet && (level === "debug" || level === "info")) return;
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
