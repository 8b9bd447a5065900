/**
 * Failures at start explained by the setting behind them, so that main.ts
 * ends with one JSON line naming it instead of a stack trace.
 */

/** A failure at start that one setting explains. */
export class StartError extends Error {
  /** The environment variable to look at. */
  readonly setting: string;

  /** `message` starts with the setting's name and value. */
  constructor(setting: string, message: string) {
    super(message);
    this.name = "StartError";
    this.setting = setting;
  }
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** True when `error` says the disk (or the database's quota) is full. */
export function isDiskFull(error: unknown): boolean {
  return /disk is full|no space left|ENOSPC|os error 28/i.test(
    reasonOf(error),
  );
}

/** Explains a failure to create, open or write the KV file at `path`. */
export function kvPathError(error: unknown, path: string): StartError {
  const reason = reasonOf(error);
  const where = `CHAT_KV_PATH ${path}`;
  if (error instanceof Deno.errors.NotCapable) {
    return new StartError(
      "CHAT_KV_PATH",
      `${where}: this process may not write there (${reason}). ` +
        "`deno task start` may write only ./data: use the default path, or " +
        "run `deno run --allow-net --allow-env --allow-read " +
        "--allow-write=<its folder> main.ts` (see README)",
    );
  }
  if (isDiskFull(error)) {
    return new StartError(
      "CHAT_KV_PATH",
      `${where}: the disk is full (${reason}); free some space or move the file`,
    );
  }
  if (
    error instanceof Deno.errors.PermissionDenied ||
    /read-only|readonly|EROFS|EACCES|unable to open/i.test(reason)
  ) {
    return new StartError(
      "CHAT_KV_PATH",
      `${where}: the file or its folder cannot be written (${reason}); ` +
        "give the server a folder it may write",
    );
  }
  return new StartError(
    "CHAT_KV_PATH",
    `${where}: the database cannot be opened (${reason})`,
  );
}

/** Explains a failure to listen on `hostname`:`port`. */
export function listenError(
  error: unknown,
  address: { hostname: string; port: number },
): StartError {
  const reason = reasonOf(error);
  const { hostname, port } = address;
  if (error instanceof Deno.errors.AddrInUse) {
    return new StartError(
      "PORT",
      `PORT ${port}: already in use on ${hostname} (${reason}); ` +
        "stop the other server or choose another PORT",
    );
  }
  if (
    error instanceof Deno.errors.AddrNotAvailable ||
    /resolve|lookup|not known|invalid/i.test(reason)
  ) {
    return new StartError(
      "HOSTNAME",
      `HOSTNAME ${hostname}: cannot listen there (${reason})`,
    );
  }
  return new StartError(
    "PORT",
    `PORT ${port} on HOSTNAME ${hostname}: cannot listen (${reason})`,
  );
}

/**
 * The fields of the one log line that ends a failed start: the setting
 * when one explains the failure.
 */
export function startFailure(
  error: unknown,
  address: { hostname: string; port: number },
): Record<string, string> {
  const explained = error instanceof StartError
    ? error
    : error instanceof Deno.errors.AddrInUse ||
        error instanceof Deno.errors.AddrNotAvailable
    ? listenError(error, address)
    : undefined;
  if (explained) {
    return { setting: explained.setting, reason: explained.message };
  }
  return {
    error: error instanceof Error ? error.name : "Error",
    reason: reasonOf(error),
  };
}
