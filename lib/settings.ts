/**
 * The shape of a settings schema: one row per environment variable, from
 * which parsing (lib/config.ts), `--help` (lib/cli.ts) and the settings tables
 * of README.md and docs/protocol.md (`deno task docs`) all come.
 */

/** What a setting's parser may look at besides its own text. */
export interface SettingContext {
  /** The variable's name, for error messages. */
  name: string;
  /** Whether the server runs on Deno Deploy (`DENO_DEPLOYMENT_ID` set). */
  onDeploy: boolean;
}

/** How one setting's text becomes a value. */
export interface SettingType<T> {
  /** The accepted values, for the docs (`0–65535`, `on, off`). */
  values: string;
  /** The default as docs show it, in Markdown; `none` when there is none. */
  fallback: string;
  /** Parses the variable's text (undefined when unset); throws on bad input. */
  parse: (text: string | undefined, context: SettingContext) => T;
}

/** One row of the schema. */
export interface Setting<K extends string = string> {
  /** The environment variable. */
  name: string;
  /** The field of the resolved config; absent for variables read elsewhere. */
  key?: K;
  type: SettingType<unknown>;
  /** What it does, in Markdown, one line. */
  meaning: string;
  /** The README section that tells more, when one does. */
  see?: string;
}

function fail(context: SettingContext, rule: string, text: string): never {
  throw new Error(`${context.name} must be ${rule}, got "${text}"`);
}

function code(value: string): string {
  return `\`${value}\``;
}

/** A whole number in a range; unset or empty gives the fallback. */
export function integer(
  range: { min: number; max: number },
  fallback: {
    value: number | ((context: SettingContext) => number);
    doc?: string;
  },
): SettingType<number> {
  const { min, max } = range;
  return {
    values: `${min}–${max === Number.MAX_SAFE_INTEGER ? "…" : max}`,
    fallback: fallback.doc ?? code(String(fallback.value)),
    parse(text, context) {
      if (text === undefined || text === "") {
        return typeof fallback.value === "function"
          ? fallback.value(context)
          : fallback.value;
      }
      const number = Number(text);
      if (!Number.isInteger(number) || number < min || number > max) {
        fail(context, `a whole number from ${min} to ${max}`, text);
      }
      return number;
    },
  };
}

/** Like {@linkcode integer}, but unset or empty means undefined. */
export function optionalInteger(
  range: { min: number; max: number },
): SettingType<number | undefined> {
  const whole = integer(range, { value: 0 });
  return {
    values: whole.values,
    fallback: "none",
    parse: (text, context) => text ? whole.parse(text, context) : undefined,
  };
}

function spoken(values: readonly string[]): string {
  return values.length === 2
    ? `${values[0]} or ${values[1]}`
    : `${values.slice(0, -1).join(", ")} or ${values.at(-1)}`;
}

/** One of a few words; `lowercase` accepts any case. */
export function choice<const T extends string>(
  values: readonly T[],
  options: { fallback: T; lowercase?: boolean },
): SettingType<T> {
  return {
    values: values.join(", "),
    fallback: code(options.fallback),
    parse(text, context) {
      const raw = text || options.fallback;
      const value = options.lowercase ? raw.toLowerCase() : raw;
      if (!(values as readonly string[]).includes(value)) {
        fail(context, spoken(values), value);
      }
      return value as T;
    },
  };
}

/** `on` or `off` (any case), as a boolean. */
export function onOff(fallback: boolean): SettingType<boolean> {
  const words = choice(["on", "off"], {
    fallback: fallback ? "on" : "off",
    lowercase: true,
  });
  return { ...words, parse: (text, c) => words.parse(text, c) === "on" };
}

/** True only for `1`. */
export function flag(): SettingType<boolean> {
  return { values: "1", fallback: "unset", parse: (text) => text === "1" };
}

/** Free text; unset or empty gives the fallback. */
export function text(
  fallback: {
    value?: string | ((context: SettingContext) => string | undefined);
    doc?: string;
    minLength?: number;
  } = {},
): SettingType<string | undefined> {
  const { value, minLength } = fallback;
  return {
    values: minLength ? `text, ${minLength}+ characters` : "text",
    fallback: fallback.doc ??
      (typeof value === "string" ? code(value) : "none"),
    parse(text, context) {
      if (text) {
        if (minLength !== undefined && text.length < minLength) {
          throw new Error(
            `${context.name} must have at least ${minLength} characters`,
          );
        }
        return text;
      }
      return typeof value === "function" ? value(context) : value;
    },
  };
}

/** A comma-separated list; `item` checks (and may rewrite) each entry. */
export function list(
  item?: { values: string; parse: (entry: string, name: string) => string },
): SettingType<string[]> {
  return {
    values: item?.values ?? "comma-separated",
    fallback: "none",
    parse(text, context) {
      const entries = (text ?? "").split(",").map((entry) => entry.trim())
        .filter(Boolean);
      return item ? entries.map((e) => item.parse(e, context.name)) : entries;
    },
  };
}

/** Resolves every setting with a `key` into one object. */
export function resolveSettings(
  schema: readonly Setting[],
  env: (name: string) => string | undefined,
): Record<string, unknown> {
  const onDeploy = Boolean(env("DENO_DEPLOYMENT_ID"));
  const resolved: Record<string, unknown> = {};
  for (const setting of schema) {
    if (setting.key === undefined) continue;
    resolved[setting.key] = setting.type.parse(env(setting.name), {
      name: setting.name,
      onDeploy,
    });
  }
  return resolved;
}

function meaningWithSee(setting: Setting): string {
  return setting.see
    ? `${setting.meaning}; see "${setting.see}" in the README`
    : setting.meaning;
}

/** The settings as a Markdown table, laid out as `deno fmt` lays it out. */
export function settingsTable(schema: readonly Setting[]): string {
  const rows = [
    ["variable", "default", "values", "meaning"],
    ...schema.map((s) => [
      code(s.name),
      s.type.fallback,
      s.type.values,
      meaningWithSee(s),
    ]),
  ];
  const widths = rows[0].map((_, column) =>
    Math.max(3, ...rows.map((row) => row[column].length))
  );
  const line = (cells: string[]) =>
    `| ${cells.map((cell, i) => cell.padEnd(widths[i])).join(" | ")} |`;
  return [
    line(rows[0]),
    line(widths.map((width) => "-".repeat(width))),
    ...rows.slice(1).map(line),
  ].join("\n");
}

/** Where a generated table starts and ends in a Markdown file. */
export const TABLE_MARKS = {
  start:
    "<!-- settings table: generated from lib/config.ts by `deno task docs` -->",
  end: "<!-- end of settings table -->",
} as const;

/** The text of `markdown` with the table between the marks replaced. */
export function withSettingsTable(markdown: string, table: string): string {
  const start = markdown.indexOf(TABLE_MARKS.start);
  const end = markdown.indexOf(TABLE_MARKS.end);
  if (start < 0 || end < start) {
    throw new Error("no settings table marks in this file");
  }
  return markdown.slice(0, start + TABLE_MARKS.start.length) + "\n\n" +
    table + "\n\n" + markdown.slice(end);
}
