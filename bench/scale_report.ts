/** The scale scenario for people: a table, and the curve as an SVG (docs/scale.svg). */
import type { ScaleStep } from "./scale.ts";

function cell(value: number | string | null | undefined): string {
  if (value === null || value === undefined) return "—";
  if (typeof value === "string") return value;
  return value.toLocaleString("en-US", { maximumFractionDigits: 2 });
}

/** The table of every step, with the project's ratios to the reference where both ran. */
export function formatScaleTable(steps: ScaleStep[]): string {
  const header = [
    "sockets",
    "server",
    "joined",
    "alive",
    "join s",
    "KiB/conn",
    "settled",
    "heap KiB/conn",
    "RSS MiB",
    "idle cpu % (peak)",
    "bcast msg/s",
    "p50 ms",
    "p99 ms",
    "lost",
  ];
  const rows = steps.map((s) => [
    cell(s.connections),
    s.server,
    cell(s.joined),
    cell(s.alive),
    cell(s.joinSeconds),
    cell(s.kibPerConnection),
    cell(s.settledKibPerConnection),
    cell(s.heapKibPerConnection),
    cell(s.rssMib) + (s.redisMib ? ` (+${s.redisMib} redis)` : ""),
    `${s.idleCpu} (${s.idlePeakCpu})`,
    cell(s.broadcast.sentPerSecond),
    cell(s.broadcast.p50Ms),
    cell(s.broadcast.p99Ms),
    cell(s.broadcast.lost),
  ]);
  for (const step of steps) {
    if (step.server !== "memory") continue;
    const ref = steps.find((s) =>
      s.server === "reference" && s.connections === step.connections
    );
    if (!ref) continue;
    const ratio = (a: number | null, b: number | null) =>
      a === null || b === null || b <= 0 ? "—" : `${(a / b).toFixed(2)}×`;
    rows.push([
      cell(step.connections),
      "memory/ref",
      "",
      "",
      ratio(step.joinSeconds, ref.joinSeconds),
      ratio(step.kibPerConnection, ref.kibPerConnection),
      ratio(step.settledKibPerConnection, ref.settledKibPerConnection),
      ratio(step.heapKibPerConnection, ref.heapKibPerConnection),
      "",
      "",
      "",
      "",
      ratio(step.broadcast.p99Ms, ref.broadcast.p99Ms),
      "",
    ]);
  }
  const widths = header.map((h, i) =>
    Math.max(h.length, ...rows.map((r) => r[i].length))
  );
  const line = (cells: string[]) =>
    cells.map((c, i) => i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))
      .join("  ");
  return [
    line(header),
    widths.map((w) => "-".repeat(w)).join("  "),
    ...rows.map(line),
  ].join("\n");
}

interface Series {
  name: string;
  color: string;
  points: [number, number][];
  /** Drawn dashed (a second reading of the same servers). */
  dashed?: boolean;
}

const WIDTH = 700;
const PANEL = 220;
const LEFT = 60;
const RIGHT = 210;

function escape(text: string): string {
  return text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

function panel(
  options: { title: string; top: number; series: Series[]; maxX: number },
): string {
  const { title, top, series, maxX } = options;
  const maxY = Math.max(
    1e-9,
    ...series.flatMap((s) => s.points.map(([, y]) => y)),
  );
  const plotW = WIDTH - LEFT - RIGHT;
  const plotH = PANEL - 60;
  const x = (v: number) => LEFT + (v / maxX) * plotW;
  const y = (v: number) => top + 30 + plotH - (v / maxY) * plotH;
  const parts = [
    `<text x="${LEFT}" y="${top + 18}" font-size="14" font-weight="bold">${
      escape(title)
    }</text>`,
    `<line x1="${LEFT}" y1="${y(0)}" x2="${LEFT + plotW}" y2="${
      y(0)
    }" stroke="#888"/>`,
    `<line x1="${LEFT}" y1="${y(0)}" x2="${LEFT}" y2="${
      y(maxY)
    }" stroke="#888"/>`,
    `<text x="${LEFT - 6}" y="${
      y(maxY) + 4
    }" font-size="11" text-anchor="end">${
      maxY.toLocaleString("en-US", { maximumFractionDigits: 1 })
    }</text>`,
    `<text x="${LEFT - 6}" y="${
      y(0) + 4
    }" font-size="11" text-anchor="end">0</text>`,
  ];
  const ticks = [...new Set(series.flatMap((s) => s.points.map(([px]) => px)))];
  for (const tick of ticks) {
    parts.push(
      `<text x="${x(tick).toFixed(1)}" y="${
        y(0) + 14
      }" font-size="10" fill="#555" text-anchor="middle">${
        tick >= 1000 ? `${tick / 1000}k` : tick
      }</text>`,
    );
  }
  for (const [i, s] of series.entries()) {
    if (s.points.length === 0) continue;
    const path = s.points.map(([px, py]) =>
      `${x(px).toFixed(1)},${y(py).toFixed(1)}`
    ).join(" ");
    parts.push(
      `<polyline points="${path}" fill="none" stroke="${s.color}" stroke-width="2"${
        s.dashed ? ' stroke-dasharray="5 4"' : ""
      }/>`,
    );
    for (const [px, py] of s.points) {
      parts.push(
        `<circle cx="${x(px).toFixed(1)}" cy="${
          y(py).toFixed(1)
        }" r="3" fill="${s.color}"><title>${escape(s.name)}: ${
          px.toLocaleString("en-US")
        } sockets, ${py}</title></circle>`,
      );
    }
    parts.push(
      `<text x="${LEFT + plotW + 24}" y="${
        top + 40 + 16 * i
      }" font-size="12" fill="${s.color}">${escape(s.name)}</text>`,
    );
  }
  return parts.join("\n");
}

const COLORS: Record<string, string> = {
  reference: "#777777",
  memory: "#1f6feb",
};

function seriesOf(
  steps: ScaleStep[],
  value: (step: ScaleStep) => number | null,
): Series[] {
  const names = [...new Set(steps.map((s) => s.server))];
  return names.map((name) => ({
    name: name === "memory"
      ? "project, 1 process"
      : name === "reference"
      ? "bare Deno reference"
      : `project, ${name}`,
    color: COLORS[name] ?? "#d1242f",
    points: steps.filter((s) => s.server === name).flatMap((s) => {
      const v = value(s);
      return v === null ? [] : [[s.connections, v] as [number, number]];
    }),
  }));
}

/** The curve of the scale steps as a standalone SVG: KiB per connection, join time and broadcast p99 against sockets. */
export function scaleSvg(steps: ScaleStep[], caption: string): string {
  const maxX = Math.max(1, ...steps.map((s) => s.connections));
  const panels: {
    title: string;
    value: (s: ScaleStep) => number | null;
    /** A second reading of the same servers, drawn dashed. */
    settled?: (s: ScaleStep) => number | null;
  }[] = [
    {
      title: "server memory per connection (KiB; dashed: settled)",
      value: (s: ScaleStep) => s.kibPerConnection,
      settled: (s: ScaleStep) => s.settledKibPerConnection ?? null,
    },
    {
      title: "time for all to join (s)",
      value: (s: ScaleStep) => s.joinSeconds,
    },
    {
      title: "broadcast p99 (ms)",
      value: (s: ScaleStep) => s.broadcast.p99Ms,
    },
  ];
  const height = PANEL * panels.length + 40;
  const body = panels.map((p, i) =>
    panel({
      title: p.title,
      top: i * PANEL,
      series: [
        ...seriesOf(steps, p.value),
        ...(p.settled
          ? seriesOf(steps, p.settled).map((line) => ({
            ...line,
            name: `${line.name}, settled`,
            dashed: true,
          }))
          : []),
      ],
      maxX,
    })
  );
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    ...body,
    `<text x="${LEFT}" y="${height - 14}" font-size="11" fill="#555">${
      escape(caption)
    } (x: joined sockets, up to ${maxX.toLocaleString("en-US")})</text>`,
    `</svg>`,
    "",
  ].join("\n");
}
