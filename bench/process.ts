/** Child processes of the bench: CPU pinning, file limits, and what /proc says about them. */

/** Clock ticks per second of /proc/<pid>/stat (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

/** How children are placed on the machine. */
export interface Placement {
  /** `taskset -c` list for the server, or undefined not to pin. */
  serverCpus?: string;
  /** `taskset -c` list for the load clients, or undefined not to pin. */
  clientCpus?: string;
  /** Open files each child may hold; raised with `prlimit` when above the current soft limit. */
  nofile: number;
}

/** Soft and hard limits on open files of this process. */
export function openFileLimits(): { soft: number; hard: number } {
  try {
    const limits = Deno.readTextFileSync("/proc/self/limits");
    const line = limits.split("\n").find((l) => l.startsWith("Max open files"));
    const [soft, hard] = line?.split(/\s{2,}/).slice(1, 3) ?? [];
    return {
      soft: soft === "unlimited" ? Infinity : Number(soft) || 1024,
      hard: hard === "unlimited" ? Infinity : Number(hard) || 1024,
    };
  } catch {
    return { soft: 1024, hard: 1024 };
  }
}

function onPath(tool: string): boolean {
  try {
    return new Deno.Command("sh", {
      args: ["-c", `command -v ${tool}`],
      stdout: "null",
      stderr: "null",
    }).outputSync().success;
  } catch {
    return false;
  }
}

/** Server on the first CPU, clients on the rest, when `taskset` exists and there are two or more. */
export function placement(
  options: { pin: boolean; nofile: number },
): Placement {
  const cpus = navigator.hardwareConcurrency;
  if (!options.pin || cpus < 2 || !onPath("taskset")) {
    return { nofile: options.nofile };
  }
  return {
    serverCpus: "0",
    clientCpus: cpus === 2 ? "1" : `1-${cpus - 1}`,
    nofile: options.nofile,
  };
}

/** The command line that runs `args` on `cpus` with room for `nofile` open files, at `nice` (lower priority) when given. */
export function wrap(
  args: string[],
  options: { cpus?: string; nofile: number; nice?: number },
): string[] {
  let command = args;
  if (options.nice) command = ["nice", "-n", String(options.nice), ...command];
  if (options.cpus !== undefined) {
    command = ["taskset", "-c", options.cpus, ...command];
  }
  const { soft, hard } = openFileLimits();
  if (options.nofile > soft && onPath("prlimit")) {
    const limit = Math.min(options.nofile, hard);
    command = ["prlimit", `--nofile=${limit}:${limit}`, "--", ...command];
  }
  return command;
}

const children = new Set<Deno.ChildProcess>();

/** Remembers a child so {@linkcode killChildren} can end it; forgets it once it exits. */
export function track(child: Deno.ChildProcess): void {
  children.add(child);
  child.status.finally(() => children.delete(child));
}

/** Ends every tracked child (on SIGINT or SIGTERM, so no server outlives the bench). */
export function killChildren(): void {
  for (const child of children) {
    try {
      child.kill("SIGKILL");
    } catch {
      // already gone
    }
  }
}

/** User plus system CPU time of a process, in seconds; 0 once it is gone. */
export function cpuSeconds(pid: number): number {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** Resident memory of a process in KiB (VmRSS); 0 once it is gone. */
export function rssKib(pid: number): number {
  try {
    const status = Deno.readTextFileSync(`/proc/${pid}/status`);
    return Number(status.match(/^VmRSS:\s+(\d+)/m)?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/** CPU used by some processes between two moments, in % of one core. */
export class CpuMeter {
  #pids: number[];
  #start: number[];
  #at: number;

  /** Starts measuring `pids` now. */
  constructor(pids: number[]) {
    this.#pids = pids;
    this.#start = pids.map(cpuSeconds);
    this.#at = performance.now();
  }

  /** % of one core each process used since the meter started, summed. */
  percent(): number {
    const seconds = (performance.now() - this.#at) / 1000;
    if (seconds <= 0) return 0;
    const used = this.#pids.reduce(
      (sum, pid, i) => sum + Math.max(0, cpuSeconds(pid) - this.#start[i]),
      0,
    );
    return Math.round(100 * used / seconds);
  }
}

function machineBusySeconds(): number {
  try {
    const line = Deno.readTextFileSync("/proc/stat").split("\n")[0];
    const [user, nice, system, _idle, _iowait, irq, softirq, steal] = line
      .split(/\s+/).slice(1, 9).map(Number);
    return (user + nice + system + irq + softirq + (steal || 0)) /
      TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** CPU the rest of the machine used (every process but `pids`), in % of one core: other people's load. */
export class OtherLoadMeter {
  #own: number[];
  #busy: number;
  #pids: number[];
  #at: number;

  /** Starts measuring now; `pids` are the bench's own processes. */
  constructor(pids: number[]) {
    this.#pids = pids;
    this.#own = pids.map(cpuSeconds);
    this.#busy = machineBusySeconds();
    this.#at = performance.now();
  }

  /** % of one core used by other processes since the meter started. */
  percent(): number {
    const seconds = (performance.now() - this.#at) / 1000;
    if (seconds <= 0) return 0;
    const own = this.#pids.reduce(
      (sum, pid, i) => sum + Math.max(0, cpuSeconds(pid) - this.#own[i]),
      0,
    );
    const busy = machineBusySeconds() - this.#busy;
    return Math.max(0, Math.round(100 * (busy - own) / seconds));
  }
}

/** Collects the last lines a child wrote, to explain a failure. */
export async function tail(
  stream: ReadableStream<Uint8Array>,
  lines: string[],
): Promise<void> {
  const decoder = new TextDecoder();
  for await (const chunk of stream) {
    lines.push(...decoder.decode(chunk, { stream: true }).split("\n"));
    if (lines.length > 200) lines.splice(0, lines.length - 100);
  }
}

/** `KEY=VALUE` arguments (a repeatable `--env`) as an environment; a value may hold `=`. */
export function envPairs(pairs: readonly string[]): Record<string, string> {
  return Object.fromEntries(pairs.map((pair) => {
    const at = pair.indexOf("=");
    return [pair.slice(0, at), pair.slice(at + 1)];
  }));
}
