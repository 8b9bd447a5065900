/**
 * `deno task bench`: the project server (memory and kv stores) against a
 * bare reference server, driven by load clients in their own processes.
 * Prints a table on stdout and writes bench/results/latest.json; progress
 * goes to stderr. `--help` lists the options.
 */
import { parseArgs } from "node:util";
import { killChildren, placement } from "./process.ts";
import {
  formatProfile,
  type ProfileEntry,
  summariseProfile,
} from "./profile_summary.ts";
import {
  type BenchResults,
  formatTable,
  judgeTargets,
  type PerTarget,
} from "./report.ts";
import {
  type BenchContext,
  type BenchOptions,
  durable,
  fanout,
  idle,
  joinStorm,
  manyRooms,
} from "./scenarios.ts";
import { type Target, TARGETS } from "./servers.ts";
import { describeWeight, measurePages } from "../tests/support/page_weight.ts";
import { formatStartup, measureStartup } from "./startup.ts";
import { scale, SCALE_FULL, SCALE_SMOKE, type ScaleOptions } from "./scale.ts";
import { formatScaleTable, scaleSvg } from "./scale_report.ts";
import {
  formatSearch,
  measureSearch,
  searcher,
  type SendCostResult,
} from "./search.ts";

/** The scenarios `--scenarios=` chooses from, in the order they run. */
export const SCENARIOS = [
  "fanout",
  "batch",
  "rooms",
  "idle",
  "storm",
  "durable",
  "startup",
  "pages",
  "scale",
  "search",
];

const FULL: BenchOptions = {
  clients: 2,
  wsClient: "raw",
  retries: 1,
  subscribers: 500,
  stepMs: 3000,
  startRate: 50,
  bisections: 2,
  maxRate: 3200,
  fixedMs: 4000,
  p99LimitMs: 250,
  rooms: 200,
  roomSize: 5,
  roomsMs: 6000,
  idle: 5000,
  idleRooms: 100,
  storm: 1000,
  stormRooms: 10,
  durableRooms: 50,
  durableWindow: 8,
  durableMs: 4000,
  settleMs: 1500,
};

const SMOKE: BenchOptions = {
  clients: 1,
  wsClient: "raw",
  retries: 0,
  subscribers: 20,
  stepMs: 400,
  startRate: 20,
  bisections: 0,
  maxRate: 40,
  fixedMs: 400,
  p99LimitMs: 250,
  rooms: 4,
  roomSize: 3,
  roomsMs: 1000,
  idle: 40,
  idleRooms: 2,
  storm: 20,
  stormRooms: 2,
  durableRooms: 4,
  durableWindow: 2,
  durableMs: 500,
  settleMs: 100,
};

const HELP = `deno task bench [options]

  --smoke                 tiny sizes, a few seconds (CI)
  --targets=LIST          reference,memory,kv (default all)
  --scenarios=LIST        ${SCENARIOS.join(",")} (default all; empty
                          for none, e.g. with --profile)
  --batch-targets=LIST    project stores for the batch fan-out (default memory)
  --profile               also profile the memory server under fan-out (plain
                          and batch) with --cpu-prof and print the top functions
  --profile-ms=N          length of each profiled run (default 10000)
  --profile-rate=N        messages/s while profiling (default: the fixed rate)
  --out=FILE              JSON results (default bench/results/latest.json)
  --no-pin                do not pin server and clients with taskset
  --ws-client=KIND        raw (bench/raw_socket.ts, default) or standard
                          (Deno's WebSocket, costs the clients more CPU)
${
  Object.entries(FULL).filter(([, value]) => typeof value === "number").map((
    [key, value],
  ) =>
    `  --${key.replace(/[A-Z]/g, (c) => "-" + c.toLowerCase())}=N`.padEnd(26) +
    `default ${value}`
  ).join("\n")
}
  --fixed-rate=N          default: half the fan-out ceiling of the first
                          target run (the reference's)
  --batch-flush-ms=N      CHAT_BATCH_FLUSH_MS of the project server
  --scale-steps=LIST      sockets of the one-process scale steps
                          (default ${SCALE_FULL.steps.join(",")})
  --scale-process-steps=LIST  sockets of the steps over several processes
                          (default ${
  SCALE_FULL.processSteps.join(",")
}; empty for none)
  --scale-processes=N     server processes of those steps (default ${SCALE_FULL.processes})
  --scale-idle-ms=N       quiet time measured after each step's joins, before
                          its broadcast (default ${SCALE_FULL.idleMs})
  --scale-cpu-prof=DIR    write the server's CPU profile of each one-process
                          step into DIR/TARGET-SOCKETS (bench/profile_summary.ts
                          --timeline --from-s --to-s reads a window of it)
  --scale-join-order=ORDER  interleaved (default: one member of every room,
                          then the next; no join of a room can be coalesced)
                          or rooms (the senders, then room after room)
  --scale-svg=FILE        where the scale curve goes (default docs/scale.svg;
                          not written by --smoke unless given)`;

function kebab(key: string): string {
  return key.replace(/[A-Z]/g, (c) => "-" + c.toLowerCase());
}

function list(value: string | undefined, all: readonly string[]): string[] {
  if (value === undefined) return [...all];
  const items = value.split(",").map((s) => s.trim()).filter(Boolean);
  for (const item of items) {
    if (!all.includes(item)) {
      throw new Error(`unknown "${item}"; expected one of ${all.join(", ")}`);
    }
  }
  return items;
}

function cpuModel(): string {
  try {
    return Deno.readTextFileSync("/proc/cpuinfo").match(
      /^model name\s*:\s*(.+)$/m,
    )?.[1] ?? "unknown";
  } catch {
    return "unknown";
  }
}

async function profileRun(
  context: BenchContext,
  options: { batch: boolean; rate: number; ms: number; dir: string },
): Promise<{ file: string; batch: boolean; top: ProfileEntry[] }> {
  const dir = `${options.dir}/${options.batch ? "batch" : "plain"}`;
  await Deno.mkdir(dir, { recursive: true });
  const before = new Set([...Deno.readDirSync(dir)].map((e) => e.name));
  await fanout("memory", {
    context: {
      ...context,
      options: { ...context.options, fixedMs: options.ms },
    },
    fanout: {
      batch: options.batch,
      fixedOnly: true,
      fixedRate: options.rate,
      cpuProfileDir: dir,
    },
  });
  const written = [...Deno.readDirSync(dir)].map((e) => e.name).filter((
    name,
  ) => name.endsWith(".cpuprofile") && !before.has(name));
  if (written.length === 0) throw new Error(`no profile written in ${dir}`);
  const file = `${dir}/${written[0]}`;
  const top = summariseProfile(JSON.parse(await Deno.readTextFile(file)), {
    top: 20,
  });
  return { file, batch: options.batch, top };
}

async function main(): Promise<void> {
  const numeric = Object.keys(FULL).filter((key) =>
    typeof FULL[key as keyof BenchOptions] === "number"
  ).map(kebab);
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      smoke: { type: "boolean" },
      help: { type: "boolean" },
      profile: { type: "boolean" },
      "no-pin": { type: "boolean" },
      "ws-client": { type: "string" },
      targets: { type: "string" },
      scenarios: { type: "string" },
      "batch-targets": { type: "string" },
      out: { type: "string" },
      "profile-ms": { type: "string" },
      "profile-rate": { type: "string" },
      "fixed-rate": { type: "string" },
      "batch-flush-ms": { type: "string" },
      "scale-steps": { type: "string" },
      "scale-process-steps": { type: "string" },
      "scale-processes": { type: "string" },
      "scale-join-order": { type: "string" },
      "scale-idle-ms": { type: "string" },
      "scale-cpu-prof": { type: "string" },
      "scale-svg": { type: "string" },
      ...Object.fromEntries(
        numeric.map((name) => [name, { type: "string" as const }]),
      ),
    },
  });
  if (values.help) {
    console.log(HELP);
    return;
  }
  const options: BenchOptions = { ...(values.smoke ? SMOKE : FULL) };
  const raw = values as Record<string, string | boolean | undefined>;
  const number = (name: string): number | undefined => {
    const value = raw[name];
    if (typeof value !== "string") return undefined;
    const n = Number(value);
    if (!Number.isFinite(n) || n < 0) {
      throw new Error(`--${name} must be a number, got "${value}"`);
    }
    return n;
  };
  for (const key of Object.keys(FULL) as (keyof BenchOptions)[]) {
    if (typeof FULL[key] !== "number") continue;
    const value = number(kebab(key));
    if (value !== undefined) (options[key] as number) = value;
  }
  options.fixedRate = number("fixed-rate");
  const wsClient = values["ws-client"] ?? options.wsClient;
  if (wsClient !== "raw" && wsClient !== "standard") {
    throw new Error(`--ws-client must be raw or standard, got "${wsClient}"`);
  }
  options.wsClient = wsClient;
  options.batchFlushMs = number("batch-flush-ms");
  const targets = list(values.targets, TARGETS) as Target[];
  const scenarios = list(values.scenarios, SCENARIOS);
  const batchTargets = list(values["batch-targets"] ?? "memory", [
    "memory",
    "kv",
  ]).filter((t) => targets.includes(t as Target)) as Target[];
  const out = values.out ?? "bench/results/latest.json";
  const scaleOptions: ScaleOptions = {
    ...(values.smoke ? SCALE_SMOKE : SCALE_FULL),
  };
  const counts = (name: string): number[] | undefined => {
    const value = raw[name];
    if (typeof value !== "string") return undefined;
    const items = value.split(",").filter(Boolean).map(Number);
    if (items.some((n) => !Number.isInteger(n) || n <= 0)) {
      throw new Error(`--${name} must list whole numbers, got "${value}"`);
    }
    return items;
  };
  scaleOptions.steps = counts("scale-steps") ?? scaleOptions.steps;
  scaleOptions.processSteps = counts("scale-process-steps") ??
    scaleOptions.processSteps;
  scaleOptions.processes = number("scale-processes") ?? scaleOptions.processes;
  scaleOptions.idleMs = number("scale-idle-ms") ?? scaleOptions.idleMs;
  const cpuProf = raw["scale-cpu-prof"];
  if (typeof cpuProf === "string" && cpuProf) {
    scaleOptions.cpuProfileDir = cpuProf;
  }
  const order = raw["scale-join-order"];
  if (order !== undefined) {
    if (order !== "interleaved" && order !== "rooms") {
      throw new Error(
        `--scale-join-order must be interleaved or rooms, got "${order}"`,
      );
    }
    scaleOptions.joinOrder = order;
  }
  const place = placement({
    pin: !values["no-pin"],
    nofile: Math.max(
      options.idle,
      options.storm,
      options.subscribers,
      ...scaleOptions.steps,
      scaleOptions.perClient,
    ) + 1024,
  });
  const log = (line: string) => console.error(line);
  const context: BenchContext = { options, placement: place, log };
  const began = performance.now();
  const results: BenchResults = {
    version: 1,
    startedAt: new Date().toISOString(),
    command: ["deno task bench", ...Deno.args].join(" "),
    seconds: 0,
    machine: {
      cpus: navigator.hardwareConcurrency,
      model: cpuModel(),
      deno: Deno.version.deno,
      v8: Deno.version.v8,
      serverCpus: place.serverCpus,
      clientCpus: place.clientCpus,
    },
    options,
    smoke: values.smoke === true,
    fanout: {},
    fanoutBatch: {},
    rooms: {},
    idle: {},
    storm: {},
    durable: {},
    targets: [],
  };
  log(
    `bench: ${navigator.hardwareConcurrency} cpus, server on ${
      place.serverCpus ?? "any"
    }, clients on ${place.clientCpus ?? "any"}`,
  );
  const ordered = [...targets].sort((a, b) =>
    TARGETS.indexOf(a) - TARGETS.indexOf(b)
  );
  if (scenarios.includes("fanout")) {
    log("fan-out: ceiling search, then the fixed rate");
    for (const target of ordered) {
      results.fanout[target] = await fanout(target, {
        context,
        fanout: {
          batch: false,
          fixedRate: (ceiling) =>
            options.fixedRate ??= ceiling > 0
              ? Math.max(1, Math.round(ceiling / 2))
              : options.startRate,
        },
      });
    }
  }
  if (scenarios.includes("batch")) {
    log("fan-out with batch frames");
    const fixedRate = options.fixedRate ??
      Math.round(options.startRate * 2);
    for (const target of batchTargets) {
      results.fanoutBatch[target] = await fanout(target, {
        context,
        fanout: { batch: true, fixedRate },
      });
    }
  }
  const each = async <T>(
    name: string,
    into: PerTarget<T>,
    run: (target: Target) => Promise<T>,
  ) => {
    if (!scenarios.includes(name)) return;
    log(name);
    for (const target of ordered) into[target] = await run(target);
  };
  await each("rooms", results.rooms, (t) => manyRooms(t, context));
  await each("idle", results.idle, (t) => idle(t, context));
  await each("storm", results.storm, (t) => joinStorm(t, context));
  await each("durable", results.durable, (t) => durable(t, context));
  if (scenarios.includes("startup")) {
    log("startup: cold start and memory at rest of each shape");
    results.startup = await measureStartup({
      runs: values.smoke ? 1 : 5,
      progress: log,
      targets: values.smoke
        ? ["floor", "main"]
        : ["floor", "main", "bundle", "executable"],
    });
  }
  if (scenarios.includes("pages")) results.pages = await measurePages();
  if (scenarios.includes("scale")) {
    log("scale: rooms of 100 filled step by step");
    results.scale = await scale(context, scaleOptions);
  }
  if (scenarios.includes("search")) {
    const latency = await measureSearch({
      messages: values.smoke ? 2000 : 100_000,
      queries: values.smoke ? 30 : 300,
      stores: targets.includes("kv") ? ["memory", "kv"] : ["memory"],
      log,
    });
    const cost: SendCostResult[] = [];
    for (
      const target of (["memory", "kv"] as const).filter((t) =>
        targets.includes(t)
      )
    ) {
      log(`search: ${target} send path alone, then while searching`);
      const count = { searches: 0 };
      const intervalMs = 100;
      const perMessage = { alone: Infinity, searching: Infinity };
      const rate = { alone: 0, searching: 0 };
      const cpuPerMessage = (
        step: { serverCpu: number; ackedPerSecond: number },
      ) =>
        step.ackedPerSecond > 0
          ? step.serverCpu / 100 * 1e6 / step.ackedPerSecond
          : Infinity;
      for (let round = 0; round < (values.smoke ? 1 : 3); round++) {
        const alone = (await durable(target, context)).load;
        const searching = (await durable(target, context, {
          during: (server) => searcher(server, { intervalMs, count }),
        })).load;
        perMessage.alone = Math.min(perMessage.alone, cpuPerMessage(alone));
        perMessage.searching = Math.min(
          perMessage.searching,
          cpuPerMessage(searching),
        );
        rate.alone = Math.max(rate.alone, alone.ackedPerSecond);
        rate.searching = Math.max(rate.searching, searching.ackedPerSecond);
      }
      cost.push({
        store: target,
        alone: rate.alone,
        searching: rate.searching,
        cpuUsAlone: perMessage.alone,
        cpuUsSearching: perMessage.searching,
        intervalMs,
        searches: count.searches,
        costPercent: Math.max(
          0,
          (1 - perMessage.alone / perMessage.searching) * 100,
        ),
      });
    }
    results.search = { latency, cost };
  }
  if (values.profile) {
    const rate = number("profile-rate") ?? options.fixedRate ??
      results.fanout.memory?.ceiling ?? options.startRate * 2;
    const ms = number("profile-ms") ?? (values.smoke ? 500 : 10_000);
    const dir = out.replace(/[^/]*$/, "") + "profile";
    results.profile = [];
    for (const batch of [false, true]) {
      log(`profile: memory server, fan-out ${rate} msg/s, batch ${batch}`);
      results.profile.push(
        await profileRun(context, { batch, rate, ms, dir }),
      );
    }
  }
  results.targets = judgeTargets(results);
  results.seconds = Math.round((performance.now() - began) / 1000);
  const folder = out.replace(/[^/]*$/, "");
  if (folder) await Deno.mkdir(folder, { recursive: true });
  await Deno.writeTextFile(out, JSON.stringify(results, null, 2) + "\n");
  console.log(
    `\n${results.command}  (${results.machine.cpus} × ${results.machine.model}, deno ${results.machine.deno}, ${results.seconds} s)\n`,
  );
  console.log(formatTable(results));
  if (results.startup) console.log(`\n${formatStartup(results.startup)}`);
  if (results.scale) {
    console.log(`\nscale (rooms of ${scaleOptions.roomSize}):`);
    console.log(formatScaleTable(results.scale));
    const svg = values["scale-svg"] ??
      (values.smoke ? undefined : "docs/scale.svg");
    if (svg) {
      await Deno.writeTextFile(
        svg,
        scaleSvg(
          results.scale,
          `${results.machine.cpus} × ${results.machine.model}, deno ${results.machine.deno}, ${
            results.startedAt.slice(0, 10)
          }`,
        ),
      );
      console.log(`scale curve: ${svg}`);
    }
  }
  for (const page of results.pages ?? []) {
    console.log(`page weight: ${describeWeight(page)}`);
  }
  if (results.search) console.log(`\n${formatSearch(results.search)}`);
  for (const profile of results.profile ?? []) {
    console.log(
      `\nprofile of the memory server, fan-out${
        profile.batch ? " with batch" : ""
      } (${profile.file}):`,
    );
    console.log(formatProfile(profile.top));
  }
  console.log(`\nresults: ${out}`);
}

if (import.meta.main) {
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    Deno.addSignalListener(signal, () => {
      killChildren();
      Deno.exit(130);
    });
  }
  try {
    await main();
  } catch (error) {
    console.error(
      `bench failed: ${error instanceof Error ? error.stack : error}`,
    );
    killChildren();
    Deno.exit(1);
  }
  Deno.exit(0);
}
