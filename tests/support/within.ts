/** Waiting on an event with a bound, so a test that never sees it fails instead of hanging. */

/** Resolves as `promise` does; rejects naming `what` once `ms` (30 s by default, for a busy machine) have passed. */
export async function within<T>(
  promise: Promise<T>,
  options: { what: string; ms?: number },
): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${options.what}: not seen in time`)),
      options.ms ?? 30_000,
    );
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}
