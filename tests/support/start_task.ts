/** `deno task start` as the tests run it: its permission flags, read from deno.json. */

const ROOT = new URL("../../", import.meta.url);

/** The permission flags (`--allow-…`) of `deno task start`, read from deno.json. */
export async function startTaskFlags(): Promise<string[]> {
  const config = JSON.parse(
    await Deno.readTextFile(new URL("deno.json", ROOT)),
  );
  const command: string = config.tasks.start.command;
  return command.split(/\s+/).filter((part) => part.startsWith("--allow"));
}
