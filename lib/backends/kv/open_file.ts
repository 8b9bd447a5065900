/** Opening a Deno KV file so that a full disk or a read-only folder fails at start, not at the first message. */

/** Bytes written (and deleted) at open to prove the file can grow. */
export const START_PROBE_BYTES = 64 * 1024;
const PROBE_KEY: Deno.KvKey = ["probe"];

/**
 * Writes and removes {@linkcode START_PROBE_BYTES} next to the file before
 * Deno KV opens it: on a full disk its expiry thread may panic at once.
 * Skipped when only the file itself may be written.
 */
async function probeFolder(file: string): Promise<void> {
  const probe = `${file}.probe-${crypto.randomUUID().slice(0, 8)}`;
  try {
    await Deno.writeFile(probe, new Uint8Array(START_PROBE_BYTES));
  } catch (error) {
    if (error instanceof Deno.errors.NotCapable) return;
    await Deno.remove(probe).catch(() => {});
    throw error;
  }
  await Deno.remove(probe).catch(() => {});
}

async function isFolder(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isDirectory;
  } catch {
    return false;
  }
}

/**
 * Opens the database at `path` (creating its folder when missing) and, for a
 * file, proves it can be written with a {@linkcode START_PROBE_BYTES} write.
 */
export async function openKvFile(path: string | undefined): Promise<Deno.Kv> {
  const file = path && path !== ":memory:" ? path : undefined;
  if (file) {
    const folder = file.replace(/[^/\\]*$/, "");
    if (folder && !(await isFolder(folder))) {
      await Deno.mkdir(folder, { recursive: true });
    }
    await probeFolder(file);
  }
  const kv = await Deno.openKv(path);
  if (file) {
    try {
      await kv.set(PROBE_KEY, new Uint8Array(START_PROBE_BYTES));
      await kv.delete(PROBE_KEY);
    } catch (error) {
      kv.close();
      throw error;
    }
  }
  return kv;
}
