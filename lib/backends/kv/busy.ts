/** Deno KV on a local file: another handle may hold SQLite's write lock for a moment. */

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
