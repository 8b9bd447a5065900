/**
 * Summarises a V8 `.cpuprofile` (from `deno run --cpu-prof`): the functions
 * with the most self time, and their total (self plus callees) time, as
 * shares of the time the main thread was busy (socket writes on runtime
 * threads are not in it).
 *
 *     deno run -A bench/profile_summary.ts FILE.cpuprofile [--top=25]
 *       [--from-s=S --to-s=S] [--timeline]
 *
 * `--from-s`/`--to-s` keep the samples of that window (seconds since the
 * profile began); `--timeline` prints the busy share of each second first.
 */

interface ProfileNode {
  id: number;
  callFrame: {
    functionName: string;
    url: string;
    lineNumber: number;
    columnNumber: number;
  };
  children?: number[];
}

/** The parts of a `.cpuprofile` this summary reads. */
export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** One function's share of the profile. */
export interface ProfileEntry {
  /** `name (file:line)` */
  function: string;
  selfMs: number;
  selfPercent: number;
  totalMs: number;
  totalPercent: number;
}

function label(node: ProfileNode, root: string): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const name = functionName || "(anonymous)";
  if (!url) return name;
  const file = url.startsWith(root) ? url.slice(root.length) : url;
  return `${name} (${file}:${lineNumber + 1})`;
}

/**
 * Visits each sample with when it was taken (seconds since the profile
 * began) and the time it stands for (µs: the gap to the next sample).
 */
function eachSample(
  profile: CpuProfile,
  visit: (id: number, seconds: number, micros: number) => void,
): void {
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    at += profile.timeDeltas[i] ?? 0;
    visit(id, (at - profile.startTime) / 1e6, profile.timeDeltas[i + 1] ?? 0);
  });
}

/** The `top` functions by self time, with their total time; percentages are of the busy time (samples not `(idle)`). */
export function summariseProfile(
  profile: CpuProfile,
  options: { top?: number; root?: string } = {},
): ProfileEntry[] {
  const root = options.root ?? new URL("../", import.meta.url).href;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map<number, number>();
  let sampled = 0;
  eachSample(profile, (id, _seconds, micros) => {
    self.set(id, (self.get(id) ?? 0) + micros);
    sampled += micros;
  });
  const parent = new Map<number, number>();
  for (const node of profile.nodes) {
    for (const child of node.children ?? []) parent.set(child, node.id);
  }
  const selfByLabel = new Map<string, number>();
  const totalByLabel = new Map<string, number>();
  for (const [id, micros] of self) {
    const node = byId.get(id);
    if (!node) continue;
    const own = label(node, root);
    selfByLabel.set(own, (selfByLabel.get(own) ?? 0) + micros);
    const seen = new Set<string>();
    for (
      let at: number | undefined = id;
      at !== undefined;
      at = parent.get(at)
    ) {
      const name = label(byId.get(at)!, root);
      if (seen.has(name)) continue;
      seen.add(name);
      totalByLabel.set(name, (totalByLabel.get(name) ?? 0) + micros);
    }
  }
  const whole = (sampled - (selfByLabel.get("(idle)") ?? 0)) || 1;
  return [...selfByLabel]
    .filter(([name]) => name !== "(idle)")
    .sort((a, b) => b[1] - a[1])
    .slice(0, options.top ?? 25)
    .map(([name, micros]) => ({
      function: name,
      selfMs: Math.round(micros / 1000),
      selfPercent: Math.round(1000 * micros / whole) / 10,
      totalMs: Math.round((totalByLabel.get(name) ?? 0) / 1000),
      totalPercent: Math.round(1000 * (totalByLabel.get(name) ?? 0) / whole) /
        10,
    }));
}

/** The profile cut to the samples taken from `fromS` to `toS` seconds after it began. */
export function profileWindow(
  profile: CpuProfile,
  window: { fromS: number; toS: number },
): CpuProfile {
  const samples: number[] = [];
  const timeDeltas = [0];
  eachSample(profile, (id, seconds, micros) => {
    if (seconds < window.fromS || seconds >= window.toS) return;
    samples.push(id);
    timeDeltas.push(micros);
  });
  return { ...profile, samples, timeDeltas };
}

/** The share (0–100) of each whole second of the profile the main thread was busy (not `(idle)`). */
export function busyBySecond(profile: CpuProfile): number[] {
  const idle = new Set(
    profile.nodes.filter((node) => node.callFrame.functionName === "(idle)")
      .map((node) => node.id),
  );
  const busy: number[] = [];
  const all: number[] = [];
  eachSample(profile, (id, seconds, micros) => {
    const second = Math.floor(seconds);
    all[second] = (all[second] ?? 0) + micros;
    if (!idle.has(id)) busy[second] = (busy[second] ?? 0) + micros;
  });
  return Array.from(
    all,
    (micros, second) =>
      micros ? Math.round(100 * (busy[second] ?? 0) / micros) : 0,
  );
}

/** The summary as aligned text lines. */
export function formatProfile(entries: ProfileEntry[]): string {
  const lines = ["  self ms  self %  total %  function (% of busy time)"];
  for (const e of entries) {
    lines.push(
      `${String(e.selfMs).padStart(9)} ${
        e.selfPercent.toFixed(1).padStart(6)
      }% ${e.totalPercent.toFixed(1).padStart(7)}%  ${e.function}`,
    );
  }
  return lines.join("\n");
}

if (import.meta.main) {
  const file = Deno.args.find((arg) => !arg.startsWith("--"));
  if (!file) {
    console.error(
      "usage: profile_summary.ts FILE.cpuprofile [--top=N] [--from-s=S --to-s=S] [--timeline]",
    );
    Deno.exit(2);
  }
  const flag = (name: string) =>
    Deno.args.find((arg) => arg.startsWith(`--${name}=`))?.split("=")[1];
  const top = Number(flag("top") ?? 25);
  let profile = JSON.parse(await Deno.readTextFile(file)) as CpuProfile;
  if (Deno.args.includes("--timeline")) {
    console.log(
      "busy % by second: " +
        busyBySecond(profile).map((busy, second) => `${second}:${busy}`)
          .join(" "),
    );
  }
  if (flag("from-s") !== undefined || flag("to-s") !== undefined) {
    profile = profileWindow(profile, {
      fromS: Number(flag("from-s") ?? 0),
      toS: Number(flag("to-s") ?? Infinity),
    });
  }
  console.log(formatProfile(summariseProfile(profile, { top })));
}
