/** Commits that may not go through at once: another handle may hold SQLite's write lock, another writer may win the check. */

/** True for the error a commit throws while another handle on the same file writes. */
export function isBusy(error: unknown): boolean {
  return error instanceof Error && /database is locked/.test(error.message);
}

/** Commits; undefined when the file was busy, so the caller retries as after a conflict. */
export async function commitOrBusy(
  op: Deno.AtomicOperation,
): Promise<Deno.KvCommitResult | Deno.KvCommitError | undefined> {
  try {
    return await op.commit();
  } catch (error) {
    if (isBusy(error)) return undefined;
    throw error;
  }
}

/** A random pause of up to `spreadMs` × `attempt` ms before a commit that lost is tried again, so racing writers spread out. */
export function retryPause(attempt: number, spreadMs = 4): Promise<void> {
  return new Promise((resolve) =>
    setTimeout(resolve, Math.random() * spreadMs * attempt)
  );
}
