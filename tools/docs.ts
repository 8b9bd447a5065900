/**
 * `deno task docs`: writes the settings tables of the docs from the schema in
 * lib/config.ts. lib/config_test.ts fails when a table drifts from it.
 */
import { SCHEMA } from "../lib/config.ts";
import { settingsTable, withSettingsTable } from "../lib/settings.ts";

/** The Markdown files, from the project root, that carry the settings table. */
export const SETTINGS_DOCS = ["README.md", "docs/protocol.md"] as const;

/** The text `file` should have, given its current text. */
export function documented(markdown: string): string {
  return withSettingsTable(markdown, settingsTable(SCHEMA));
}

if (import.meta.main) {
  const root = new URL("../", import.meta.url);
  for (const file of SETTINGS_DOCS) {
    const url = new URL(file, root);
    const before = await Deno.readTextFile(url);
    const after = documented(before);
    if (after !== before) {
      await Deno.writeTextFile(url, after);
      console.log(`${file}: settings table rewritten`);
    }
  }
}
