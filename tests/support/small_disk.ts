/**
 * Runs a command with a small (or read-only) tmpfs mounted on a folder, in a
 * private mount namespace (`unshare -rm`), so tests can fill a real disk or
 * refuse every write without touching the machine's mounts. The mount
 * vanishes with the command.
 */

const WRAPPER = [
  'mount -t tmpfs -o "$1" tmpfs "$2" || exit 97',
  // fill: write zeros until the disk is full (dd then fails, as it should)
  'if [ "$3" = fill ]; then dd if=/dev/zero of="$2/filler" bs=4096 2>/dev/null; fi',
  "shift 3",
  'exec "$@"',
].join("\n");

/** Whether a tmpfs can be mounted here; the reason when not. */
export type DiskSupport = { ok: true } | { ok: false; reason: string };

/** Options of {@linkcode onSmallDisk}. */
export interface SmallDiskOptions {
  /** The folder the tmpfs covers (it must exist). */
  dir: string;
  /** Size of the tmpfs, as `mount -o size=` takes it (default `1m`). */
  size?: string;
  /** Mount it read-only. */
  readOnly?: boolean;
  /** Fill it with zeros before running the command. */
  fill?: boolean;
}

/** Tries `unshare -rm` with a tmpfs mount once. */
export async function diskSupport(): Promise<DiskSupport> {
  const dir = await Deno.makeTempDir({ prefix: "chat_disk_probe_" });
  try {
    const { success, stderr } = await new Deno.Command("unshare", {
      args: ["-rm", "sh", "-c", 'mount -t tmpfs -o size=64k tmpfs "$0"', dir],
      stdin: "null",
      stdout: "null",
      stderr: "piped",
    }).output();
    if (success) return { ok: true };
    return {
      ok: false,
      reason: `unshare -rm / mount tmpfs failed: ${
        new TextDecoder().decode(stderr).trim()
      }`,
    };
  } catch (error) {
    return { ok: false, reason: `unshare is not available: ${error}` };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** `command` wrapped to run with the tmpfs of `options` mounted on `options.dir`. */
export function onSmallDisk(
  command: string[],
  options: SmallDiskOptions,
): string[] {
  const mountOptions = [
    `size=${options.size ?? "1m"}`,
    ...(options.readOnly ? ["ro"] : []),
  ].join(",");
  return [
    "unshare",
    "-rm",
    "sh",
    "-c",
    WRAPPER,
    "sh",
    mountOptions,
    options.dir,
    options.fill ? "fill" : "-",
    ...command,
  ];
}

/** Says loudly that a disk test cannot run here, and why. */
export function warnNoDisk(reason: string): void {
  console.error(
    `\n!!! SKIPPED: cannot mount a tmpfs here (${reason}); ` +
      "the full-disk and read-only tests did NOT run !!!\n",
  );
}
